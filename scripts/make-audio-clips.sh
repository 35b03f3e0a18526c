#!/bin/sh
# Regenerates the spoken digits of the audio security code ("Écouter le code"):
# public/_private/captcha-clips/<lang>.ulaw, the clips of the digits 0–9, one file per language.
#
# Needs Debian's espeak-ng and sox:  apt-get install -y espeak-ng sox
# Each clip: espeak-ng's voice → 8 kHz mono, normalised, leading and trailing silence trimmed,
# stored as raw 8-bit G.711 μ-law (half the size of 16-bit PCM, plenty for speech).
# A file is one ASCII header line, then the ten clips back to back:
#   ISOLOIR-CLIPS mu-law 8000 <bytes of 0> … <bytes of 9> espeak-ng=<version> voice=<voice> speed=140\n
# The files are static assets only so they stay out of the Worker's script: wrangler.toml's
# run_worker_first claims /_private/* for the Worker, which refuses it (404), and the Worker
# reads them through its ASSETS binding to assemble each code's audio with its own noise and
# timing (src/platform/captcha/audio.ts). Never served one by one: a bot that had the ten clips
# could match them.
# The output is deterministic for given espeak-ng and sox versions (sox -R: the same dither
# on every run; without it each run dithered differently). The committed clips predate -R, so
# rerunning changes their dither (inaudible) and with it the bytes of every code's audio.
set -eu

cd "$(dirname "$0")/.."
dir=public/_private/captcha-clips
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y espeak-ng sox" >&2; exit 1; }
done

version=$(espeak-ng --version | sed -n 's/^eSpeak NG text-to-speech: \([^ ]*\).*/\1/p')
mkdir -p "$dir"

for lang in fr en; do
  voice=$lang; [ "$lang" = fr ] && voice=fr-fr; [ "$lang" = en ] && voice=en-gb
  lengths=
  for d in 0 1 2 3 4 5 6 7 8 9; do
    espeak-ng -v "$voice" -s 140 -w "$tmp/$lang-$d.wav" "$d"
    sox -R "$tmp/$lang-$d.wav" -r 8000 -c 1 -e mu-law -t raw "$tmp/$lang-$d.raw" \
      gain -n -1 silence 1 0.02 1% reverse silence 1 0.02 1% reverse
    lengths="$lengths $(wc -c < "$tmp/$lang-$d.raw" | tr -d ' ')"
  done
  {
    printf 'ISOLOIR-CLIPS mu-law 8000%s espeak-ng=%s voice=%s speed=140\n' "$lengths" "${version:-?}" "$voice"
    for d in 0 1 2 3 4 5 6 7 8 9; do cat "$tmp/$lang-$d.raw"; done
  } > "$dir/$lang.ulaw"
  echo "wrote $dir/$lang.ulaw ($(wc -c < "$dir/$lang.ulaw") bytes)"
done

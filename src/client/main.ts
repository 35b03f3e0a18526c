// The browser bundle (public/js/app.js): every module enhances the page it finds, and the
// page works without it.
import './copy';

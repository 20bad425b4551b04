# scanfit.exe started from Explorer (src/cli/desktop.rs): a double-click opens the page,
# files dropped onto it are converted. Every id here exists in ../zh/desktop.ftl with the
# same arguments.

# The end of the name of the folder a drop's pictures go to, after the first dropped
# file's or folder's name ("客户A upload pictures").
cli-desktop-folder = upload pictures
cli-desktop-page_open = scanfit's page is open in your browser ({ $url }). Keep this window open while you use it; close it or press Ctrl-C to stop scanfit.
cli-desktop-drop_done = The pictures are in { $folder }. Press Enter to close this window.

# `scanfit watch`: why a watch cannot start or must stop.

## (family "watch")
watch-not_a_folder = { $path }: not a folder; watch follows one folder (convert single files with `scanfit convert`)
watch-events = cannot watch { $path }: { $detail }
watch-journal = journal { $path }: { $detail }
watch-originals_folder = originals folder { $path }: { $why }
watch-originals_contains_input = it contains the watched folder
watch-bad_originals = '{ $text }' is not keep, delete or move:DIR (e.g. move:/srv/scans/done)
watch-event_error = file event error: { $detail }
watch-passed_over = passed over { $path }: { $why }

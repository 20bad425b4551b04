# The terminal: summaries, per-file lines, table heads, progress, and the errors only
# the command line has (its flags, its files).

## Lines about one file.
cli-skipped = skipped { $path }: { $why }
cli-failed = FAILED { $path }: { $why }
cli-warned = warning { $path }: { $warnings }
cli-unknown_error = unknown error
cli-path-page = { $path } (page { $page })
# What the command line adds to a reason that a flag can change.
cli-hint-output_exists = { $why } (--overwrite replaces it)
cli-hint-flags = { $why } ({ $flags })

## Summaries.
cli-dry_run = {" "}(dry run: nothing written)
cli-summary-convert = { $converted } converted ({ $warned } with warnings), { $failed } failed, { $skipped } skipped; { $bytes_in } → { $bytes_out }{ $dry }
cli-summary-stitch = { $converted } stitched ({ $warned } with warnings), { $failed } failed, { $skipped } skipped{ $dry }
cli-summary-check = { $checked } checked: { $pass } pass, { $warn } warn, { $fail } fail, { $skipped } skipped
cli-summary-watch = stopped: { $converted } converted ({ $warned } with warnings), { $failed } failed, { $skipped } skipped

## Progress bars.
cli-bar-files = files
cli-bar-encodes = encodes
cli-bar-sampled = { $files } files
cli-bar-bytes = { $bytes_in } → { $bytes_out }
cli-bar-eta = ETA

## check's table.
cli-dims = { $width }×{ $height }
cli-dims-pages = { $width }×{ $height } ({ $pages } pages)
cli-characters-read = { $dims }, text read: { $sure } of { $characters } characters with confidence ({ $percent }%)

## watch.
cli-watching = watching { $path } ({ $pending } files to catch up on); Ctrl-C stops
cli-watch-count = [{ $converted } converted, { $failed } failed]
cli-watch-wrote = { $input } → { $output } ({ $size }, { $millis } ms){ $warnings ->
        [none] {""}
       *[other] {" "}warning: { $warnings }
    }
cli-watch-report = cannot append to the report: { $detail }

## sweep.
cli-sweep-head = setting
cli-sweep-total = total
cli-sweep-median = median
cli-sweep-in_band = in band
cli-sweep-worst = worst
cli-sweep-ms = ms/MP
cli-sweep-front = front
cli-sweep-bytes = bytes
cli-sweep-legibility = legib.
cli-sweep-colour = colour
cli-sweep-encode = encode
cli-sweep-yes = yes
cli-sweep-legend = (* recommended, d default; legibility is convert's score, floor { $floor }; colour floor { $colour_floor })
cli-sweep-measured = { $files } files measured, { $skipped } skipped, { $settings } settings
cli-sweep-nothing = no full-resolution setting kept every file's legibility at or over { $floor }: nothing to recommend
cli-sweep-recommended = recommended: { $setting } ({ $size } for the sample, worst legibility { $score })
cli-sweep-against_default = {"  "}against the default { $setting }: { $change } % bytes
cli-sweep-lowest_passes = {"  "}the lowest quality tried still passes: --quality with lower values may find smaller files
cli-sweep-profile-header = # scanfit profile: written by `scanfit sweep` from { $files } files.
cli-sweep-profile-recommended = # Recommended: { $setting }, worst legibility { $score } (floor { $floor }).
cli-sweep-profile-use = # Use it with: scanfit convert IN -o OUT --profile { $path }
cli-sweep-profile-written = profile written to { $path }

## Errors of the command line itself.
cli-error = scanfit: { $error }
# Between an error and its cause ("writing the report r.csv: disk full").
cli-error-chain = {": "}
cli-reading_profile = reading the profile { $path }
cli-invalid_profile = the profile { $path } is not valid: { $why }
cli-writing_report = writing the report { $path }
cli-shard_report_csv = a shard's report is JSON Lines, which `scanfit report merge` reads: give --report a name ending in .jsonl instead of { $path }; `report merge -o FILE.csv` writes the whole run's report as CSV
cli-opening_report = opening the report { $path }
cli-creating = creating { $path }
cli-writing = writing { $path }
cli-ctrlc = installing the Ctrl-C/SIGTERM handler
cli-stitch_needs_two = stitch needs two or more pictures (scanfit stitch A B -o OUT.jpg), or --sets FILE.csv
cli-bad_poll = --poll { $value }: give a number of seconds above 0
cli-bad_sample = --sample { $value }: give a count above 0, or all
cli-bad_quality = --quality: { $why }

## check's client folders and sets file.
cli-folders = Client folders:
cli-folder-kind = { $kind } ×{ $count }
cli-folder-unrecognised = { $count } not recognised
cli-writing_sets = writing the sets file { $path }
cli-wrote_sets = wrote { $path } ({ $sets } combined { $sets ->
        [one] picture
       *[other] pictures
    }); make them with: scanfit stitch --sets { $path } -o OUT

## scanfit rules.
cli-rules-guide = { $title }, version { $version }
cli-rules-portal = Provider: { $portal } (--portal: { $portals })
cli-rules-pixels = Pixels: at least { $min }, at most { $max } (long × short edge, either orientation)
cli-rules-source = {"  "}{ $what }: { $source }
cli-rules-upload = Upload: { $formats }; { $min_size } to { $max_size } ({ $min } to { $max } bytes)
cli-rules-picture = Picture: { $colour ->
        [yes] a colour photo or colour scan of the original
       *[no] any colours
    }; long edge at least { $long_edge } px; sharpness at least { $sharpness }
cli-rules-warn = Warns { $days } days or less before a limit. Every filing needs: { $needs }
cli-rules-identity = an identity document
cli-rules-kind = kind
cli-rules-name = name
cli-rules-role = role
cli-rules-issued_within = issued within
cli-rules-valid_for = valid for
cli-rules-names = recognised in names
cli-rules-province = province
cli-rules-role-identity = identity
cli-rules-role-auxiliary = auxiliary (combined with an ID)
cli-rules-role-other = other
# Printed by the build (build.rs) when mozjpeg was compiled without its SIMD code.
cli-build-jpeg-plain-c = mozjpeg was built without SIMD (nasm not found): JPEG encoding will be 2-7x slower. Install nasm (Debian/Ubuntu: apt install nasm) and rebuild with `cargo clean -p mozjpeg-sys`.
# Stops a Windows GCC build (build.rs) that lacks the C flag of .cargo/config.toml.
cli-build-windows-gnu-ctzl = A Windows build with GCC needs CFLAGS_x86_64_pc_windows_gnu="-D__builtin_ctzl=__builtin_ctzll" (set in .cargo/config.toml; see the comment there): without it mozjpeg's progressive encoder fails on grey pictures. Build from scanfit's folder, or set the variable.

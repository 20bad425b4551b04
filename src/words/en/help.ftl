# `scanfit --help`: what each command does (about-<command>), what each flag means
# (help-<command>-<flag> where a flag means something of its own in that command, else
# help-<flag>; <flag> is clap's id, the long name with _ for -), the placeholders of
# values (value-<name>), the headings, and the words of clap's usage errors (usage-*).
# A flag without words here fails the test `every_flag_has_words_in_every_language`.

## Commands (family "about").
about-scanfit = Make scans and photos acceptable to an upload portal: real JPEG/PNG, 200 KiB–4 MB, upright, no metadata, legible.
about-convert = Convert files and folders (recursively) into OUT, mirroring the folder tree
about-check = Check files and folders against the portal's rules, writing nothing (exit 0: all pass, 1: some fail, or warn under --strict)
about-stitch = Combine several documents into one picture (the portal's "拼图"), or many sets from a CSV with --sets
about-watch = Keep running and convert every picture that appears in IN (and its subfolders) into OUT, once it is completely written; stop with Ctrl-C or SIGTERM
about-rules = Print the document rules check applies (kinds, validity windows, province exceptions) and the guide version they follow
about-sweep = Try a grid of encoder settings on a sample of your documents: bytes, legibility and speed per setting, a chart, and a recommended profile for `convert --profile`
about-serve = Serve a web page (drop pictures, download an upload-ready ZIP) and an HTTP API (convert, check, stitch) on this machine; stop with Ctrl-C
about-report = Work with the reports of runs
about-report-merge = Merge the reports of every shard of one sharded run (convert --shard) into the run's report, rows in the unsharded order (exit 0: every file succeeded, 1: some failed, 2: the reports are not one whole run)
about-help = Print this message or the help of the given subcommand(s)

## Flags every command has.
help-help = Print help
help-version = Print version
help-lang = Language of everything printed: zh (Chinese) or en (English); default: SCANFIT_LANG, else the system's language
help-help-subcommand = Print the help of this command

## Inputs and outputs.
help-convert-inputs = Files and folders to convert
help-verify_reading = Read the text of each picture and of its output, and spend more bytes when the output reads less well (slower: the text of every picture is read twice)
help-check-inputs = Files and folders to check (folders recursively; one child folder per client)
help-sweep-inputs = Files and folders to sample from (folders recursively)
help-pieces = Pictures to combine, in layout order (each page of a PDF or TIFF is one piece)
help-input = The folder to follow (a scanner's output folder, a shared folder)
help-output = Output folder (created if missing; may lie inside an input folder)
help-stitch-output = Output picture (its extension becomes .jpg, or .png under --format png); with --sets, the output folder
help-watch-output = Output folder (created if missing; may lie inside IN). Holds the journal `.scanfit-journal.jsonl` that makes restarts resume without redoing anything

## The profile: the band, the encoder, the floors.
help-profile = Start from this profile (TOML, as `scanfit sweep --save-profile` writes it); flags given as well override its values
help-min_size = Smallest accepted output (e.g. 200KiB, 204800)
help-max_size = Largest accepted output (e.g. 4MB, 4000000)
help-quality = JPEG quality tried first
help-min_quality = JPEG quality never gone below
help-min_long_edge = Long edge never downscaled below, in pixels (or the source's, if smaller)
help-format = Output format
help-effort = Encoder effort: fast (baseline), balanced (progressive), max (mozjpeg trellis)
help-subsampling = Chroma subsampling of colour JPEGs
help-progressive = Progressive JPEG (true) or baseline (false), whatever the effort says
help-trellis = Trellis quantisation on (true) or off (false), whatever the effort says
help-min_score = Legibility floor (0-1): an encode scoring below it is never accepted; 0 disables

## Writing and running.
help-overwrite = Replace outputs that already exist (otherwise they are skipped)
help-dry_run = Do all the work but write no picture
help-report = Write one record per output to FILE: JSON Lines, or CSV when FILE ends in .csv (watch appends JSON Lines)
help-quiet = No progress bar (problems and the summary are still printed)
help-jobs = Files worked on at once (default: all cores)
help-max_pixels = Largest picture decoded, in pixels: a sequential JPEG over it is decoded at 1/2, 1/4 or 1/8 of its size, anything else is refused (decompression bombs)
help-max_input_size = Refuse input files larger than this
help-shard = Convert only shard I of N, counted from 0 (0/4 is the first of four): each input belongs to one shard by a hash of its path relative to its input folder, while output names are still decided over all inputs. --report gets .shard-I-of-N before its extension
help-shard_count = Convert one shard of SHARDS, its number from JOB_COMPLETION_INDEX (Kubernetes Indexed Job, from 0) or from SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN (Slurm array)
help-report-merge-reports = The shards' reports (REPORT.shard-I-of-N.jsonl), every shard's once, in any order
help-report-merge-output = The whole run's report: CSV when FILE ends in .csv, JSON Lines otherwise

## check.
help-json = Print one JSON object per file, then one per client folder (JSON Lines), instead of a table
help-check-report = Also write the findings to FILE: CSV when it ends in .csv, JSON Lines otherwise
help-strict = Exit 1 when any file or folder has warnings, not only when one fails
help-manifest = The documents' kinds and dates: a CSV with the columns file, kind, issued, valid_until, province, needs (or 文件, 类型, 办理日, 有效期至, 省份, 需要), in UTF-8 or the GBK Excel saves
help-filed_on = The filing date the windows count from (2026-07-01, 2026/7/1, 2026年7月1日; default: today)
help-province = The province the filing goes to, in Chinese or pinyin (四川, sichuan); a manifest row's own province wins
help-write_sets = Write a `stitch --sets` file that combines every auxiliary document found alone with its folder's ID picture (refused if FILE exists)
help-read = Which pictures' text to read (offline OCR) for kinds and dates: auto reads only those whose dates the rules need and neither the manifest nor the name gives; always reads every picture (about a second each); never reads none

## check and rules.
help-rules = Follow the rules in FILE (TOML, as `scanfit rules --toml` prints them) instead of the built-in ones
help-portal = The provider whose published upload limits apply (formats, size band, pixel bounds): aliyun (the default, this guide), tencent, huawei or volcengine, or any the rules file lists
value-provider = PROVIDER
value-when = WHEN

## rules.
help-rules-json = Print the rules as one JSON object
help-toml = Print the rules file itself (TOML), to copy and change for --rules

## stitch.
help-sets = Stitch many sets: a CSV (UTF-8, UTF-16 or GBK) whose rows are an output name, then two or more pictures (relative to the CSV's folder), as `check --write-sets` writes it. OUT is then a folder
help-layout = How pieces are placed: auto keeps the layout losing the least resolution with the most page-like shape
help-gap = White space between pieces, in pixels of the combined picture
help-margin = White border around the combined picture, in pixels

## watch.
help-settle = How long a file's size and time must stay unchanged before it is read, when the OS gives no close-after-write event for it
help-poll = Look for changes every SECS seconds instead of waiting for file events (for network shares, where events don't arrive)
help-originals = What to do with an input once its output is safely on disk

## sweep.
help-sweep-quality = Qualities: ranges FROM..TO/STEP and single values, comma-separated
help-sweep-subsampling = Chroma subsamplings, comma-separated: 420, 422, 444
help-sweep-progressive = Progressive (true) and/or baseline (false), comma-separated
help-sweep-trellis = Trellis quantisation on (true) and/or off (false), comma-separated
help-scale = Downscale factors of the long edge, comma-separated, in (0, 1]
help-sample = Pictures sampled from the inputs ("all" for every one)
help-seed = Seed of the sample: the same seed on the same files gives the same sample
help-repeats = Encodes per file and setting; the median time is kept
help-sweep-profile = The profile compared against and used for the band, the legibility floor and the rest of a saved profile (default: the portal's rules)
help-sweep-min_score = The legibility floor the recommendation keeps on its worst file
help-min_colour = Colour floor (0-1) the recommendation must keep on its worst file: the Cb/Cr planes scored like legibility, where 4:2:0 smears red seals; 0 ignores colour
help-csv = Write one row per setting to FILE.csv
help-plot = Draw bytes against legibility to FILE.svg or FILE.png (a PNG chart's words are English: its font has no Chinese)
help-save_profile = Write the recommended setting as a profile for `convert --profile`


## serve.
help-serve-listen = Address to listen on; any address but loopback needs --token or --no-auth
help-serve-port = Port (default: 8080, or a free one when 8080 is taken)
help-serve-open = Open the page in the default browser once the server listens
help-serve-lan = Serve phones on this network: listen on this computer's network address with a fresh random token, and print a QR code that opens the page on a phone already authorised
help-serve-queue = Requests that may wait for a worker; beyond them the server answers 429 at once
help-serve-uploads = Uploads received at once (a picture takes a worker's place only once it has arrived); beyond them the server answers 429 at once
help-serve-max_connections = Connections open at once; more wait until one closes
help-serve-timeout = Limit of one request, from its first byte to its answer
help-serve-token = Require "Authorization: Bearer TOKEN" for the API; also read from SCANFIT_TOKEN, safer than a command line others can list
help-serve-no_auth = Serve an address other than loopback without a token (your own network, or a proxy in front that authenticates)
help-serve-allow_origin = Let pages from this origin (e.g. https://portal.example) call the API: CORS and cross-site posts. Repeat for several
help-serve-jobs = Pictures worked on at once (default: all cores)
help-serve-max_input_size = Refuse uploads larger than this (every admitted upload is held in memory)
help-serve-drain_delay = After SIGTERM or Ctrl-C, keep taking new requests this long while /readyz answers 503, so a load balancer stops sending first (Kubernetes: about 5)
help-serve-drain_timeout = Then stop taking connections and give the requests under way this long to finish; exit 0 if they do
help-serve-log_format = Log format: text keeps the usual lines; json adds one JSON line per request (time, method, route, status, duration, bytes in/out, error code) on standard output

## Placeholders of values (family "value"): value-<name> for the name in the code,
## lower case, with _ for anything but letters and digits.
value-command = COMMAND
value-inputs = INPUTS
value-pieces = PIECES
value-input = IN
value-out = OUT
value-file = FILE
value-file_toml = FILE.toml
value-file_csv = FILE.csv
value-size = SIZE
value-quality = QUALITY
value-min_quality = MIN_QUALITY
value-px = PX
value-format = FORMAT
value-effort = EFFORT
value-subsampling = SUBSAMPLING
value-bool = BOOL
value-score = SCORE
value-jobs = JOBS
value-pixels = PIXELS
value-layout = LAYOUT
value-ms = MS
value-secs = SECS
value-addr = ADDR
value-port = PORT
value-requests = REQUESTS
value-connections = CONNECTIONS
value-token = TOKEN
value-origin = ORIGIN
value-keep_move_dir_delete = keep|move:DIR|delete
value-list = LIST
value-n_all = N|all
value-n = N
value-seed = SEED
value-lang = LANG
value-date = DATE
value-name = NAME
value-i_n = I/N
value-shards = SHARDS
value-reports = REPORTS

## Around the flags.
heading-usage = Usage:
heading-arguments = Arguments
heading-options = Options
heading-commands = Commands
usage-options = [OPTIONS]
note-default = [default: { $value }]
note-possible = [possible values: { $values }]

## Mistakes on the command line (family "usage"), as clap words them in English.
usage-error = error: { $message }
usage-unknown_argument = unexpected argument '{ $arg }' found
usage-invalid_value = invalid value '{ $value }' for '{ $arg }'
usage-missing_value = a value is required for '{ $arg }' but none was supplied
usage-value_validation = invalid value '{ $value }' for '{ $arg }': { $why }
usage-not_a_number = not a number
usage-invalid_subcommand = unrecognized subcommand '{ $command }'
usage-missing_required = the following required arguments were not provided: { $args }
usage-missing_subcommand = '{ $command }' requires a subcommand but one was not provided
usage-too_many_values = unexpected value '{ $value }' for '{ $arg }' found; no more were expected
usage-wrong_number = '{ $arg }' takes { $expected } values, { $given } given
usage-conflict = the argument '{ $arg }' cannot be used with { $other }
usage-repeated = the argument '{ $arg }' cannot be used multiple times
usage-no_equals = equal sign is needed when assigning values to '{ $arg }'
usage-invalid_utf8 = invalid UTF-8 was detected in one or more arguments
usage-similar = tip: a similar argument exists: { $similar }
usage-escape = tip: to pass '{ $arg }' as a value, use '-- { $arg }'
usage-more = For more information, try '{ $help }'.

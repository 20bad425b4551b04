# The document rules (src/rules/): what they find about a document or a client folder,
# and mistakes in a rules file, a manifest or a sheet. Kinds and provinces arrive
# already named in this language.

## Findings (family "rule"); the code after the dash is what --json reports.
rule-issued_outside_window =
    The { $kind } was issued { $issued }, { $days_before ->
        [one] 1 day
       *[other] { $days_before } days
    } before filing on { $filed_on }; { $rule ->
        [province] { $province } allows
       *[default] the guide allows
    } { $limit } ({ $days_over ->
        [one] 1 day
       *[other] { $days_over } days
    } over). Get a new one issued on { $earliest } or later.
rule-issued_near_window_limit =
    The { $kind } was issued { $issued }; { $rule ->
        [province] { $province } allows
       *[default] the guide allows
    } { $limit }, so for filing on { $filed_on } it must be issued on { $earliest } or later: a margin of only { $days_left ->
        [one] 1 day
       *[other] { $days_left } days
    }. It may fall outside while the filing is reviewed; file soon, or get a new one.
rule-issued_after_filing =
    The { $kind } is dated { $issued }, after the filing date { $filed_on }. Check the date in the manifest, or the filing date.
rule-validity_too_short =
    The { $kind } is valid until { $valid_until }; { $rule ->
        [province] { $province } requires
       *[default] the guide requires
    } it to stay valid { $limit } after filing on { $filed_on }, until { $needed_until } ({ $days_short ->
        [one] 1 day
       *[other] { $days_short } days
    } short). Renew it before filing.
rule-validity_near_window_limit =
    The { $kind } is valid until { $valid_until }; { $rule ->
        [province] { $province } requires
       *[default] the guide requires
    } it to stay valid { $limit } after filing on { $filed_on }, until { $needed_until }: a margin of only { $days_left ->
        [one] 1 day
       *[other] { $days_left } days
    }. A delayed filing may fall short; file soon.
rule-date_missing =
    The { $kind } needs its { $field ->
        [issued] issue date
       *[valid_until] end of validity
    } to be checked ({ $rule ->
        [province] { $province } allows
       *[default] the guide allows
    } { $limit }). Fill in the { $field } column in row { $row } of the manifest.
rule-manifest_unlisted =
    The { $kind } needs its { $field ->
        [issued] issue date
       *[valid_until] end of validity
    } to be checked, and the manifest has no row for this file. Add one with the { $field } column filled in.
rule-auxiliary_alone =
    The { $kind } is a picture of its own; where the form has no upload slot for it, it must be combined with the identity document into one picture. { $found ->
        [yes] Combine it with { $partner }: { $command }
       *[no] No identity picture was found in this folder to combine it with.
    }
rule-unknown_kind =
    Row { $row } of the manifest gives the kind "{ $given }", which the rules do not know; the file name is used instead. Use a kind's name (授权书, 身份证, authorization...) or add the kind to a rules file.
rule-kind_undetected =
    Not known which document this is. Name the file after it (授权书.jpg, 身份证.jpg) or list it in the manifest, so its rules can be checked.
rule-province_not_given =
    No province given, so the { $kind } was checked against the guide's default rule, which differs in { $provinces }. Give the province of the filing, or fill in the manifest's province column.
rule-kind_missing =
    This folder has no { $kind }, which the filing needs. Add it.
rule-identity_missing =
    The filing needs an identity document ({ $kinds }), and this folder has none. Add one.
rule-requirement_missing =
    This folder has no { $kinds }, which { $applicant ->
        [none] the filing
       *[other] the filing of a { $applicant }
    }{ $province ->
        [none] {""}
       *[other] {" "}in { $province }
    } needs{ $because ->
        [shared_id] {" "}when the same person's ID number ({ $id }) is also in other filings ({ $others })
        [business_words] {" "}when the applicant's name or business scope contains “{ $word }”
        [not_legal_rep] {" "}when the person in charge or the website manager is not the legal representative
        [name_changed] {" "}after a change of name (formerly { $former })
       *[always] {""}
    }. Add it.
rule-manifest_file_missing =
    Row { $row } of the manifest lists { $file }, which is not among the pictures checked. Check the path (relative to the manifest's folder).
rule-date_read =
    The { $kind }'s { $field ->
        [issued] issue date
       *[valid_until] end of validity
    } was read from the picture: { $read ->
        [long_term] long-term (长期)
       *[other] { $read }
    } ({ $percent }% sure). A manifest row with the { $field } column filled in takes its place.
rule-date_read_uncertain =
    The { $kind }'s { $field ->
        [issued] issue date
       *[valid_until] end of validity
    } read from the picture ({ $read ->
        [long_term] long-term (长期)
       *[other] { $read }
    }) is only { $percent }% sure, too unsure to judge by. Add a manifest row for this file with the { $field } column filled in.
rule-person_mismatch =
    This authorization letter names { $what ->
        [person] { $letter }
       *[id_number] ID number { $letter }
    }, but the ID card { $where ->
        [picture] in the same picture
       *[folder] in the same folder ({ $card_file })
    } shows { $card }. Check that the letter authorizes the person whose ID card is filed.

## A window's length, said inside the findings (family "length").
length-months = { $count ->
        [one] 1 month
       *[other] { $count } months
    }
length-days = { $count ->
        [one] 1 day
       *[other] { $count } days
    }

## A rules file that cannot be used (family "rules").
rules-read = cannot read the rules file { $path }: { $detail }
rules-invalid = { $path }, line { $line }: { $why }{ $text ->
        [none] {""}
       *[other] {" "}(in: { $text })
    }
rules-syntax = { $detail }
rules-bad_id = the kind id '{ $id }' must be lower-case letters, digits and _
rules-kind_twice = the kind '{ $id }' is listed twice
rules-no_names = the kind '{ $id }' needs at least one name
rules-name_empty = the name '{ $name }' of the kind '{ $kind }' has nothing to match (no letters or Chinese characters)
rules-no_kinds = no [[kind]] is listed
rules-unknown_kind = '{ $id }' is not the id of a [[kind]] listed
rules-exception_without_window = an exception needs issued_within or valid_for
rules-exception_twice = { $province } already has an exception for '{ $kind }'
rules-unknown_format = [upload] lists '{ $format }', which is not a picture format scanfit knows
rules-upload = [upload] needs formats, and min_bytes below max_bytes
rules-out_of_range = picture.min_sharpness must be 0 or more, and warn_days at most 366
rules-unknown_applicant = the applicant type { $id } is not listed under [[applicant]]
rules-bad_applicant = the applicant type { $id } is listed twice, or its id is not lower-case letters, digits and _
rules-empty_requirement = a requirement needs at least one kind (and a business_words one its words)
rules-bad_portal = the provider '{ $id }' in [[portal_limits]] must be lower-case letters, digits and _, listed once and not the [upload] portal; a portal setting must name a listed provider
rules-unknown_portal = { $given } is not a provider the rules list; use one of { $known }

## A manifest that cannot be used (family "manifest").
manifest-no_header = { $path }: the first row must name the columns, at least "file" (also: kind, issued, valid_until, province, needs; or 文件, 类型, 办理日, 有效期至, 省份, 需要)
manifest-cell = { $path }, row { $row }, column { $letter } ({ $column }): { $why }
manifest-duplicate = { $path }, row { $row }: { $file } is already listed in row { $first }
manifest-unknown_need = '{ $word }' is not a kind scanfit knows; use a kind's name (授权书, 域名证书...) or "identity" (证件)
manifest-unknown_applicant = '{ $word }' is not an applicant type the rules list; use one of the portal's (个人, 企业, 事业单位, 政府机关, 社会团体...)

## Dates, lengths and provinces that cannot be read.
date-not_a_date = '{ $text }' is not a date; write it as 2026-07-01, 2026/7/1, 2026.7.1 or 2026年7月1日
date-not_an_expiry = '{ $text }' is neither a date nor 长期 (long-term); write it as 2026-07-01, 2026/7/1, 2026.7.1, 2026年7月1日 or 长期
date-not_a_length = '{ $text }' is not a length; write it as "3 months", "45 days" or "1 year" (up to 100 years)
province-unknown = '{ $text }' is not a mainland province; write it in Chinese (四川, 河北省) or pinyin (sichuan)

## A spreadsheet (CSV) that cannot be read (family "sheet").
sheet-read = cannot read { $path }: { $detail }
sheet-not_text = { $path }: not a text file (neither UTF-8, UTF-16 nor GBK/GB18030); save it from Excel as CSV
sheet-csv = { $path }, line { $line }: { $why }
sheet-unclosed_quote = a quote is not closed; quote the whole cell and double any quote inside it ("a ""b"" c")
sheet-unreadable_row = the row cannot be read as CSV

# Alternatives joined: "工作证明或授权书".
list-or = {" or "}

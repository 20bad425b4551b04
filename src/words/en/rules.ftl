# The document rules' findings (src/rules/finding.rs), in English.
# Each message id is the finding's stable code; the arguments are the ones
# Finding::args gives. Kinds and provinces arrive already named in English.

issued_outside_window =
    The { $kind } was issued { $issued }, { $days_before ->
        [one] 1 day
       *[other] { $days_before } days
    } before filing on { $filed_on }; { $rule ->
        [province] { $province } allows
       *[default] the guide allows
    } { $limit_unit ->
        [months] { $limit_count ->
            [one] 1 month
           *[other] { $limit_count } months
        }
       *[days] { $limit_count ->
            [one] 1 day
           *[other] { $limit_count } days
        }
    } ({ $days_over ->
        [one] 1 day
       *[other] { $days_over } days
    } over). Get a new one issued on { $earliest } or later.

issued_near_window_limit =
    The { $kind } was issued { $issued }; { $rule ->
        [province] { $province } allows
       *[default] the guide allows
    } { $limit_unit ->
        [months] { $limit_count ->
            [one] 1 month
           *[other] { $limit_count } months
        }
       *[days] { $limit_count ->
            [one] 1 day
           *[other] { $limit_count } days
        }
    }, so for filing on { $filed_on } it must be issued on { $earliest } or later: a margin of only { $days_left ->
        [one] 1 day
       *[other] { $days_left } days
    }. It may fall outside while the filing is reviewed; file soon, or get a new one.

issued_after_filing =
    The { $kind } is dated { $issued }, after the filing date { $filed_on }. Check the date in the manifest, or the filing date (--filed-on).

validity_too_short =
    The { $kind } is valid until { $valid_until }; { $rule ->
        [province] { $province } requires
       *[default] the guide requires
    } it to stay valid { $limit_unit ->
        [months] { $limit_count ->
            [one] 1 month
           *[other] { $limit_count } months
        }
       *[days] { $limit_count ->
            [one] 1 day
           *[other] { $limit_count } days
        }
    } after filing on { $filed_on }, until { $needed_until } ({ $days_short ->
        [one] 1 day
       *[other] { $days_short } days
    } short). Renew it before filing.

validity_near_window_limit =
    The { $kind } is valid until { $valid_until }; { $rule ->
        [province] { $province } requires
       *[default] the guide requires
    } it to stay valid { $limit_unit ->
        [months] { $limit_count ->
            [one] 1 month
           *[other] { $limit_count } months
        }
       *[days] { $limit_count ->
            [one] 1 day
           *[other] { $limit_count } days
        }
    } after filing on { $filed_on }, until { $needed_until }: a margin of only { $days_left ->
        [one] 1 day
       *[other] { $days_left } days
    }. A delayed filing may fall short; file soon.

date_missing =
    The { $kind } needs its { $field ->
        [issued] issue date
       *[valid_until] end of validity
    } to be checked ({ $rule ->
        [province] { $province } allows
       *[default] the guide allows
    } { $limit_unit ->
        [months] { $limit_count ->
            [one] 1 month
           *[other] { $limit_count } months
        }
       *[days] { $limit_count ->
            [one] 1 day
           *[other] { $limit_count } days
        }
    }). Fill in the { $field } column in row { $row } of the manifest.

manifest_unlisted =
    The { $kind } needs its { $field ->
        [issued] issue date
       *[valid_until] end of validity
    } to be checked, and the manifest has no row for this file. Add one with the { $field } column filled in.

auxiliary_alone =
    The { $kind } is a picture of its own; where the form has no upload slot for it, it must be combined with the identity document into one picture. { $found ->
        [yes] Combine it with { $partner }: { $command }
       *[no] No identity picture was found in this folder to combine it with.
    }

unknown_kind =
    Row { $row } of the manifest gives the kind "{ $given }", which the rules do not know; the file name is used instead. Use a kind's name (授权书, 身份证, authorization...) or add the kind to a rules file.

kind_undetected =
    Not known which document this is. Name the file after it (授权书.jpg, 身份证.jpg) or list it in the manifest, so its rules can be checked.

province_not_given =
    No province given, so the { $kind } was checked against the guide's default rule, which differs in { $provinces }. Give --province, or fill in the manifest's province column.

kind_missing =
    This folder has no { $kind }, which the filing needs. Add it.

identity_missing =
    The filing needs an identity document ({ $kinds }), and this folder has none. Add one.

manifest_file_missing =
    Row { $row } of the manifest lists { $file }, which is not among the pictures checked. Check the path (relative to the manifest's folder).

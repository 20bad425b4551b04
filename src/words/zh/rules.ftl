# 资料规则的检查结果（src/rules/finding.rs），中文。
# 每条消息的 id 是检查结果的固定代码，参数与 Finding::args 一致。
# 资料类型与省份名称已按中文传入。用语依照备案指南：先说问题，再说怎么做。

issued_outside_window =
    { $kind }办理日为 { $issued }，距提交日期 { $filed_on } 已 { $days_before } 天；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }在 { $limit_unit ->
        [months] { $limit_count } 个月
       *[days] { $limit_count } 天
    }内办理，已超出 { $days_over } 天。请重新办理（办理日不早于 { $earliest }）后再提交。

issued_near_window_limit =
    { $kind }办理日为 { $issued }；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }在 { $limit_unit ->
        [months] { $limit_count } 个月
       *[days] { $limit_count } 天
    }内办理，按提交日期 { $filed_on }，办理日不得早于 { $earliest }，余量仅 { $days_left } 天，审核期间可能超期。请尽快提交备案，或重新办理。

issued_after_filing =
    { $kind }办理日 { $issued } 晚于提交日期 { $filed_on }。请核对资料清单中的日期或提交日期（--filed-on）。

validity_too_short =
    { $kind }有效期至 { $valid_until }；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }提交备案（{ $filed_on }）后仍有 { $limit_unit ->
        [months] { $limit_count } 个月
       *[days] { $limit_count } 天
    }有效期，即至 { $needed_until }，还差 { $days_short } 天。请更新证件后再提交。

validity_near_window_limit =
    { $kind }有效期至 { $valid_until }；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }提交备案（{ $filed_on }）后仍有 { $limit_unit ->
        [months] { $limit_count } 个月
       *[days] { $limit_count } 天
    }有效期，即至 { $needed_until }，余量仅 { $days_left } 天，备案延后可能不满足要求。请尽快提交。

date_missing =
    { $kind }需要{ $field ->
        [issued] 办理日
       *[valid_until] 有效期
    }才能核对（{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    } { $limit_unit ->
        [months] { $limit_count } 个月
       *[days] { $limit_count } 天
    }）。请在资料清单第 { $row } 行填写{ $field ->
        [issued] issued（办理日）
       *[valid_until] valid_until（有效期至）
    }列。

manifest_unlisted =
    { $kind }需要{ $field ->
        [issued] 办理日
       *[valid_until] 有效期
    }才能核对，资料清单中没有此文件。请为它添加一行并填写{ $field ->
        [issued] issued（办理日）
       *[valid_until] valid_until（有效期至）
    }列。

auxiliary_alone =
    { $kind }为单独图片；表单没有单独上传位置时，需与证件拼图为一张图片后上传。{ $found ->
        [yes] 可与 { $partner } 拼图：{ $command }
       *[no] 此文件夹中未找到可拼图的证件图片。
    }

unknown_kind =
    资料清单第 { $row } 行的类型“{ $given }”无法识别，已改按文件名判断。请填写已知类型（如授权书、身份证），或在规则文件中添加该类型。

kind_undetected =
    无法判断是哪类资料。请按资料命名文件（如 授权书.jpg、身份证.jpg），或在资料清单中注明，以便核对规则。

province_not_given =
    未指定省份，{ $kind }已按指南通用规则核对；{ $provinces }另有规定。请使用 --province，或在资料清单中填写省份。

kind_missing =
    备案需要{ $kind }，此文件夹中没有。请补充该资料。

identity_missing =
    备案需要证件（{ $kinds }），此文件夹中没有。请补充证件图片。

manifest_file_missing =
    资料清单第 { $row } 行的 { $file } 不在本次检查的图片中。请核对路径（相对于资料清单所在文件夹）。

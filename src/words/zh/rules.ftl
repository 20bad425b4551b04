# 资料规则（src/rules/）：对每份资料、每个客户文件夹的检查结果，以及规则文件、资料清单、
# 表格中的错误。资料类型与省份名称已按中文传入。用语依照备案指南：先说问题，再说怎么做。

## 检查结果（family "rule"）；短横后面的 code 是 --json 报告里保留的代码。
rule-issued_outside_window =
    { $kind }办理日为 { $issued }，距提交日期 { $filed_on } 已 { $days_before } 天；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }在 { $limit }内办理，已超出 { $days_over } 天。请重新办理（办理日不早于 { $earliest }）后再提交。
rule-issued_near_window_limit =
    { $kind }办理日为 { $issued }；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }在 { $limit }内办理，按提交日期 { $filed_on }，办理日不得早于 { $earliest }，余量仅 { $days_left } 天，审核期间可能超期。请尽快提交备案，或重新办理。
rule-issued_after_filing =
    { $kind }办理日 { $issued } 晚于提交日期 { $filed_on }。请核对资料清单中的日期或提交日期。
rule-validity_too_short =
    { $kind }有效期至 { $valid_until }；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }提交备案（{ $filed_on }）后仍有 { $limit }有效期，即至 { $needed_until }，还差 { $days_short } 天。请更新证件后再提交。
rule-validity_near_window_limit =
    { $kind }有效期至 { $valid_until }；{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    }提交备案（{ $filed_on }）后仍有 { $limit }有效期，即至 { $needed_until }，余量仅 { $days_left } 天，备案延后可能不满足要求。请尽快提交。
rule-date_missing =
    { $kind }需要{ $field ->
        [issued] 办理日
       *[valid_until] 有效期
    }才能核对（{ $rule ->
        [province] { $province }要求
       *[default] 指南要求
    } { $limit }）。请在资料清单第 { $row } 行填写{ $field ->
        [issued] 办理日
       *[valid_until] 有效期至
    }列。
rule-manifest_unlisted =
    { $kind }需要{ $field ->
        [issued] 办理日
       *[valid_until] 有效期
    }才能核对，资料清单中没有此文件。请为它添加一行并填写{ $field ->
        [issued] 办理日
       *[valid_until] 有效期至
    }列。
rule-auxiliary_alone =
    { $kind }为单独图片；表单没有单独上传位置时，需与证件拼图为一张图片后上传。{ $found ->
        [yes] 可与 { $partner } 拼图：{ $command }
       *[no] 此文件夹中未找到可拼图的证件图片。
    }
rule-unknown_kind =
    资料清单第 { $row } 行的类型“{ $given }”无法识别，已改按文件名判断。请填写已知类型（如授权书、身份证），或在规则文件中添加该类型。
rule-kind_undetected =
    无法判断是哪类资料。请按资料命名文件（如 授权书.jpg、身份证.jpg），或在资料清单中注明，以便核对规则。
rule-province_not_given =
    未指定省份，{ $kind }已按指南通用规则核对；{ $provinces }另有规定。请指定备案省份，或在资料清单中填写省份。
rule-kind_missing =
    备案需要{ $kind }，此文件夹中没有。请补充该资料。
rule-identity_missing =
    备案需要证件（{ $kinds }），此文件夹中没有。请补充证件图片。
rule-requirement_missing =
    { $province ->
        [none] {""}
       *[other] { $province }
    }{ $applicant ->
        [none] {""}
       *[other] { $applicant }
    }备案{ $because ->
        [shared_id] 中同一负责人证件号码（{ $id }）还出现在其他备案（{ $others }）中，需提供
        [business_words] 中主体名称或经营范围含有“{ $word }”，需提供
        [not_legal_rep] 中主体负责人或网站负责人不是法定代表人，需提供
        [name_changed] 中主体名称已变更（原名称：{ $former }），需提供
       *[always] 需提供
    }{ $kinds }，此文件夹中没有。请补充该资料。
rule-manifest_file_missing =
    资料清单第 { $row } 行的 { $file } 不在本次检查的图片中。请核对路径（相对于资料清单所在文件夹）。
rule-date_read =
    { $kind }的{ $field ->
        [issued] 办理日
       *[valid_until] 有效期
    }是从图片中识别的：{ $read ->
        [long_term] 长期
       *[other] { $read }
    }（把握 { $percent }%）。资料清单中填写{ $field ->
        [issued] 办理日
       *[valid_until] 有效期至
    }列后以清单为准。
rule-date_read_uncertain =
    从图片中识别的{ $kind }{ $field ->
        [issued] 办理日
       *[valid_until] 有效期
    }（{ $read ->
        [long_term] 长期
       *[other] { $read }
    }）把握只有 { $percent }%，不足以判断。请在资料清单中为此文件添加一行并填写{ $field ->
        [issued] 办理日
       *[valid_until] 有效期至
    }列。
rule-person_mismatch =
    此授权书写的{ $what ->
        [person] 被授权人是 { $letter }
       *[id_number] 身份证号是 { $letter }
    }，但{ $where ->
        [picture] 同一张图片中的身份证
       *[folder] 同一文件夹中的身份证（{ $card_file }）
    }是 { $card }。请核对授权书授权的是否为所交身份证的本人。

## 期限长度（family "length"）。
length-months = { $count } 个月
length-days = { $count } 天

## 无法使用的规则文件（family "rules"）。
rules-read = 无法读取规则文件 { $path }：{ $detail }
rules-invalid = { $path }，第 { $line } 行：{ $why }{ $text ->
        [none] {""}
       *[other] （所在行：{ $text }）
    }
rules-syntax = { $detail }
rules-bad_id = 类型 id“{ $id }”只能由小写字母、数字和 _ 组成
rules-kind_twice = 类型“{ $id }”重复列出
rules-no_names = 类型“{ $id }”至少需要一个名称
rules-name_empty = 类型“{ $kind }”的名称“{ $name }”中没有可匹配的文字（没有字母或汉字）
rules-no_kinds = 没有列出任何 [[kind]]
rules-unknown_kind = “{ $id }”不是已列出的 [[kind]] 的 id
rules-exception_without_window = 省份例外需要 issued_within 或 valid_for
rules-exception_twice = { $province }已有“{ $kind }”的例外规定
rules-unknown_format = [upload] 中的“{ $format }”不是 scanfit 认识的图片格式
rules-upload = [upload] 需要 formats，且 min_bytes 小于 max_bytes
rules-out_of_range = picture.min_sharpness 不能为负数，warn_days 不能超过 366
rules-unknown_applicant = 主体类型 { $id } 不在 [[applicant]] 中
rules-bad_applicant = 主体类型 { $id } 重复，或其 id 不是小写字母、数字和 _
rules-empty_requirement = 每条要求至少需要一种资料（business_words 条件还需要关键词）
rules-bad_portal = [[portal_limits]] 中的服务商 { $id } 必须由小写字母、数字和 _ 组成，只能列出一次，且不能与 [upload] 的服务商相同；portal 必须是已列出的服务商
rules-unknown_portal = { $given } 不是规则中列出的服务商；请使用 { $known } 之一

## 无法使用的资料清单（family "manifest"）。
manifest-no_header = { $path }：第一行须为列名，至少包括“文件”（另可有：类型、办理日、有效期至、省份、需要；或 file, kind, issued, valid_until, province, needs）
manifest-cell = { $path }，第 { $row } 行，{ $letter } 列（{ $column }）：{ $why }
manifest-duplicate = { $path }，第 { $row } 行：{ $file } 已在第 { $first } 行列出
manifest-unknown_need = “{ $word }”不是 scanfit 认识的资料类型；请填写类型名称（授权书、域名证书……）或“证件”
manifest-unknown_applicant = “{ $word }”不是规则中列出的主体类型；请填写备案系统的主体类型（个人、企业、事业单位、政府机关、社会团体……）

## 无法读取的日期、期限与省份。
date-not_a_date = “{ $text }”不是日期；请写成 2026-07-01、2026/7/1、2026.7.1 或 2026年7月1日
date-not_an_expiry = “{ $text }”既不是日期也不是“长期”；请写成 2026-07-01、2026/7/1、2026.7.1、2026年7月1日 或 长期
date-not_a_length = “{ $text }”不是期限；请写成“3个月”“45天”或“1年”（不超过 100 年）
province-unknown = “{ $text }”不是内地省份；请用中文（四川、河北省）或拼音（sichuan）填写

## 无法读取的表格（CSV，family "sheet"）。
sheet-read = 无法读取 { $path }：{ $detail }
sheet-not_text = { $path }：不是文本文件（不是 UTF-8、UTF-16，也不是 GBK/GB18030）；请在 Excel 中另存为 CSV
sheet-csv = { $path }，第 { $line } 行：{ $why }
sheet-unclosed_quote = 引号未闭合；请用引号括住整个单元格，单元格内的引号写两次（"a ""b"" c"）
sheet-unreadable_row = 此行无法按 CSV 读取

# 几种资料任选其一时的连接词：“工作证明或授权书”。
list-or = 或

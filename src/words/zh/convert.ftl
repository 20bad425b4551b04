# 转换一张图片：失败的原因、跳过的原因、已写出但需要注意的地方。
# 消息 id 是 `family-code`，code 是报告里保留的机器代码。

## 一个输入无法转换的原因（family "problem"）。
problem-cannot_read = 无法读取文件：{ $detail }
problem-not_a_file = 无法读取文件：{ skip-not_a_file }
problem-changed_while_read = 无法读取文件：读取过程中文件发生了变化（打开时 { $opened } 字节，实际读到 { $read } 字节）；是否还有程序在写入它？
problem-empty = 文件是空的
problem-unknown_bytes = 不是图片：文件内容不是 JPEG、PNG、GIF、BMP、WebP、TIFF、HEIC、AVIF、JPEG 2000 或 PDF
problem-unsupported = 不支持 { $format } 格式：请先另存为 JPEG 或 PNG
problem-input_too_large = 文件有 { $bytes } 字节，超过了输入文件的上限 { $max } 字节
problem-too_many_pixels = { $width }×{ $height } 像素，超过了上限 { $max } 像素
problem-no_pixels = 文件声明的图片是 { $width }×{ $height } 像素：宽度或高度为 0，没有可转换的内容
problem-corrupt = { $format } 数据已损坏或不完整：{ $detail }
problem-truncated = { $format } 数据已损坏或不完整：文件在图片数据结束之前就断了；请从来源重新获取这个文件
problem-corrupt_data = { $format } 图片数据已损坏（{ $damage }）：图片会有一部分显示成乱码；请从来源重新获取这个文件
problem-band_unreachable = 在不低于清晰度下限的前提下，无法把大小调整到 { $min }～{ $max } 字节：{ $closest }
problem-encode_failed = 编码失败：{ $detail }
problem-write_failed = 无法写入 { $path }：{ $detail }
problem-would_overwrite_input = 输出文件 { $path } 会覆盖一个输入文件；请换一个输出文件夹
problem-internal_error = 转换时发生内部错误（请报告此问题）：{ $detail }
problem-folder_unreadable = 无法读取文件夹：{ $detail }
problem-output_folder_is_link = 输出文件夹 { $path } 是一个链接：输出会写到输出文件夹之外

## 大小范围搜索失败时最接近的一次尝试（family "closest"）。
closest-png = 无损 PNG 有 { $bytes } 字节，而所选格式只允许 PNG
closest-jpeg = { $encodes ->
        [none] {""}
       *[other] 编码 { $encodes } 次后放弃；
    }最接近的一次：{ $estimated ->
        [yes] 约{" "}
       *[no] {""}
    }{ $bytes } 字节，质量 { $quality }，{ $width }×{ $height } 像素{ $score ->
        [none] {""}
       *[other] ，清晰度 { $score } 低于下限 { $floor }
    }

## 多页文件（TIFF、PDF）的某一页（family "page"）。
page-tiff_unreadable = 无法读取 TIFF 文件：{ $detail }
page-pdf_unreadable = 无法读取 PDF 文件：{ $detail }
page-pdf_encrypted = PDF 设有密码保护：请另存一份不加密的副本后再试
page-no_pages = 文件里没有任何页面
page-not_a_scanned_image = 第 { $page } 页不是扫描图片（含有文字、图形或多张图片）；请把这一页导出为图片，或改为扫描纸质原件
page-unsupported_filter = 第 { $page } 页的图片以 { $filter } 方式存储，scanfit 无法解码；请重新扫描，或另存为 JPEG、PNG 或 TIFF
page-unsupported_colour = 第 { $page } 页使用 { $what }，scanfit 无法解码；请另存为 RGB 或灰度
page-damaged = 第 { $page } 页已损坏：{ $detail }
page-corrupt_data = 第 { $page } 页的图片数据已损坏（{ $damage }）：这一页会有一部分显示成乱码；请从来源重新获取这个文件

## JPEG 解码时发现压缩数据损坏的地方（family "jpeg_damage"）。
jpeg_damage-bad_huffman_code = 霍夫曼编码错误
jpeg_damage-premature_end_of_segment = 压缩数据在图片结束之前就断了
jpeg_damage-extraneous_bytes = 标记 { $marker } 之前多出了 { $count } 字节的压缩数据
jpeg_damage-restart_marker = 应为重启标记 RST{ $expected } 的位置出现了标记 { $found }
jpeg_damage-bad_progression = 渐进式扫描的数据前后不一致
jpeg_damage-premature_end_of_file = 文件在图片数据结束之前就断了

## HEIC 和 AVIF，由系统的 libheif 解码（family "heif"）。
heif-library_missing = 读取 HEIC/AVIF 需要系统装有 libheif（{ $system ->
        [windows] 请把 libheif.dll 及其依赖的 DLL（MSYS2 软件包 mingw-w64-x86_64-libheif）放在 scanfit.exe 旁边或 PATH 中
       *[other] Debian/Ubuntu：apt install libheif1
    }）：{ $detail }
heif-corrupt = HEIC/AVIF 数据无法解码：{ $detail }

## 内置解码器不支持的 TIFF 布局，由系统的 libtiff 读取（family "libtiff"）。
libtiff-library_missing = 读取这种 TIFF 布局需要系统装有 libtiff（{ $system ->
        [windows] 请把 libtiff-6.dll 及其依赖的 DLL（MSYS2 软件包 mingw-w64-x86_64-libtiff）放在 scanfit.exe 旁边或 PATH 中
       *[other] Debian/Ubuntu：apt install libtiff6
    }）：{ $detail }

## PDF 里以 JBIG2 存储的页面，由系统的 jbig2dec 解码（family "jbig2"）。
jbig2-library_missing = 第 { $page } 页以 JBIG2 存储，读取它需要系统装有 jbig2dec（{ $system ->
        [windows] Windows 版 scanfit 不含此库：请把 libjbig2dec-0.dll（MSYS2 软件包 mingw-w64-x86_64-jbig2dec）放在 scanfit.exe 旁边或 PATH 中
       *[other] Debian/Ubuntu：apt install libjbig2dec0
    }）：{ $detail }

## JPEG 2000 文件和 PDF 里的 JPX 页面，由内置的 OpenJPEG 解码（family "jpeg2000"）。
jpeg2000-corrupt = JPEG 2000 数据已损坏或不完整：{ $detail }
jpeg2000-unsupported_colour = 这张 JPEG 2000 图片使用 { $what }，scanfit 无法转换；请另存为 JPEG、PNG 或 TIFF

## 跳过一个输入的原因：无需处理（family "skip"）。
skip-output_exists = 输出文件已存在
skip-not_a_picture = 不是图片
skip-broken_link = 链接已失效
skip-link_to_folder = 指向文件夹的链接：不跟随
skip-not_a_file = 不是普通文件（管道、套接字或设备）：不读取

## 已写出，但需要注意（family "warning"）。
warning-grayscale = 灰度图片：备案系统不接受黑白扫描件；如有可能，请用彩色重新扫描
warning-bilevel = 黑白扫描件：备案系统不接受；请用彩色重新扫描
warning-blurred = 图片模糊（锐度 { $sharpness }）：审核时不清晰的图片会被驳回；请重新扫描或重新拍照
warning-low_resolution = 分辨率低：长边只有 { $long_edge } 像素，小字可能看不清；放大也不会增加细节
warning-animated = 动图：只保留了第一帧
warning-reduced = 按原尺寸的 1/{ $denominator } 解码：{ $width }×{ $height } 像素超过了上限 { $limit } 像素（几 MB 的文件本来也容纳不了这么多细节）
warning-profile_ignored = 已忽略颜色配置文件：{ $why }
warning-cmyk = CMYK：已用通用公式转换为 RGB（未使用颜色配置文件）；请检查颜色
warning-cmyk_profile_ignored = 已忽略 CMYK 颜色配置文件：{ $why }
warning-enlarged = 已放大 { $factor } 倍：原图太小，达不到备案系统要求的最小大小
warning-enlarged_to_match = 已放大 { $factor } 倍，以便与其他图片匹配（否则较大的图片会变得不清晰）；换一张更清晰或更大的照片效果会更好
warning-grained = 已添加细微噪点（±{ $levels } 级，肉眼看不出）：否则图片内容太单一，达不到最小大小
warning-in_piece = { $piece }：{ $warning }
warning-renamed = 改过后缀的文件：实际格式是 { $real }，与文件名不符
warning-border_cut = 证件超出了画面（有边或角被截掉），审核会驳回；请重新拍摄原件，四边四角完整地拍进画面（包含完整边框）
warning-photocopy = 看起来是复印件（原件有彩色的地方是灰色的），审核会驳回；请勿上传复印件照片，请对原件拍照或彩色扫描
warning-screen_photo = 看起来是翻拍的屏幕，审核会驳回；不可隔屏拍摄，请对证件原件拍照或扫描
warning-electronic_copy = 看起来是电脑生成或截图，不是拍照或扫描；请勿上传电子证件，请对原件拍照或彩色扫描
warning-reading_lost = 输出图片不如原图清楚：原图上能清楚识别的 { $source } 个字中有 { $missed } 个识别不清，已用到允许的最大文件大小
warning-reading_unchecked = 未能核对输出图片是否与原图一样清楚可读（文字识别失败）
# 拼图中一张图片的名称：文件名，多页文件再加上页码。
warning-piece_page = { $name } 第 { $page } 页

## 颜色配置文件无法使用的原因（family "icc"）。
icc-unreadable = 颜色配置文件无法读取（{ $detail }）；按 sRGB 处理
icc-not_rgb = RGB 像素却带有 { $space } 颜色配置文件；按 sRGB 处理
icc-cannot_convert = 颜色配置文件无法转换（{ $detail }）；按 sRGB 处理
icc-conversion_failed = 颜色转换失败（{ $detail }）；按 sRGB 处理

## CMYK 图片的颜色配置文件无法使用的原因（family "cmyk_icc"）；改用通用公式转换。
cmyk_icc-unreadable = CMYK 颜色配置文件无法读取（{ $detail }）
cmyk_icc-not_cmyk = CMYK 像素却带有 { $space } 颜色配置文件
cmyk_icc-cannot_convert = CMYK 颜色配置文件无法转换（{ $detail }）

## 写出文件（family "write"）。
write-in_the_way = 有一个文件占用了文件夹 { $path } 的位置

## watch：输出写好后，原文件无法移走或删除（family "original"）。
original-not_deleted = 无法删除原文件 { $path }：{ $detail }
original-not_moved = 无法把原文件 { $path } 移到 { $dir }：{ $detail }

## 开始之前发现相互矛盾的设置（family "profile"）。
profile-min_above_max = 最小大小（{ $min } 字节）大于最大大小（{ $max } 字节）
profile-band_too_narrow = 大小范围太窄：最大大小至少要比最小大小高 10%
profile-max_too_small = 最大大小至少为 1 KiB
profile-quality_range = 质量应在 1 到 100 之间
profile-min_quality_above_quality = 最低质量（{ $min_quality }）高于首选质量（{ $quality }）
profile-min_score_range = 清晰度下限应在 0 到 1 之间
profile-min_long_edge_zero = 分辨率下限至少为 1 像素
profile-syntax = { $detail }

## 人写的大小（family "size"）。
size-not_a_size = “{ $text }”不是大小（例如：4000000、4MB、200KiB）
size-unknown_unit = “{ $text }”中的单位“{ $unit }”无法识别（可用 B、KB、KiB、MB、MiB）
size-out_of_range = “{ $text }”超出范围

## 无法开始运行（family "setup"）。
setup-input = 无法读取输入 { $path }：{ $detail }
setup-output = 输出文件夹 { $path }：{ $why }
setup-output_create = { $detail }
setup-output_is_input = 它同时也是输入文件夹；输出会和输入混在一起
setup-output_is_watched = 它同时也是被监视的文件夹；输出会和输入混在一起

## 在其他消息里说到的：大小（family "unit"：$n 已经四舍五入，末尾的 0 不显示：
## 4 MB、4.31 MB），以及系统错误（family "io"：常见的几种用中文说，其余用系统原文）。
unit-b = { $n } 字节
unit-kb = { $n } KB
unit-mb = { $n } MB
# 解码库对损坏文件的英文说明，在中文里用这句话代替。
library-detail = 文件内部的数据不符合其格式规范
io-error = { $kind ->
        [not_found] 文件或文件夹不存在
        [permission_denied] 没有访问权限
        [already_exists] 文件已存在
        [is_a_directory] 这是一个文件夹，不是文件
        [not_a_directory] 路径中有一项不是文件夹
        [directory_not_empty] 文件夹不是空的
        [storage_full] 磁盘空间已满
        [quota_exceeded] 超出了磁盘配额
        [read_only_filesystem] 磁盘是只读的
        [file_too_large] 文件太大，文件系统放不下
        [unexpected_eof] 文件意外结束
        [interrupted] 操作被中断
        [timed_out] 操作超时
        [invalid_filename] 文件名无效
       *[other] { $os }
    }

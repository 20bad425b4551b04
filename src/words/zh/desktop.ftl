# 从资源管理器启动 scanfit.exe（src/cli/desktop.rs）：双击打开页面，拖到程序上的文件被转换。
# 每个 id 都与 ../en/desktop.ftl 中的相同，参数也相同。

# 拖放所得图片所在文件夹名称的结尾，接在第一个拖入的文件或文件夹名称之后（“客户A 备案图片”）。
cli-desktop-folder = 备案图片
cli-desktop-page_open = scanfit 的页面已在浏览器中打开（{ $url }）。使用期间请保持本窗口打开；关闭本窗口或按 Ctrl-C 即可停止 scanfit。
cli-desktop-drop_done = 图片已保存在 { $folder }。按回车键关闭本窗口。

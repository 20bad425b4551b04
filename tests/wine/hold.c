/* Test helper for tests/windows.rs: holds a file open with no sharing (as Word or an
 * antivirus scanner may), so another process's open fails with a sharing violation,
 * until its standard input closes. Prints "held" once the file is open. */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 2)
        return 2;
    HANDLE h = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    printf("held\n");
    fflush(stdout);
    while (getchar() != EOF)
        ;
    CloseHandle(h);
    return 0;
}

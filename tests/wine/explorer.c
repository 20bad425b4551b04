/* Test helper for tests/windows.rs: starts a program as Explorer does on a double-click
 * or a drop, in a console of its own (CREATE_NEW_CONSOLE), but with this helper's
 * standard handles, so the test reads what the program prints and types its keys.
 * The program is ended with this helper (a job object), so a test that kills the helper
 * leaves nothing running.
 * Usage: explorer.exe PROGRAM [ARGS...]; exits with the program's exit status. */
#include <windows.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc < 2)
        return 2;
    static wchar_t line[32768];
    size_t len = 0;
    for (int i = 1; i < argc; i++) {
        size_t n = wcslen(argv[i]);
        if (len + n + 4 >= sizeof line / sizeof line[0])
            return 2;
        if (i > 1)
            line[len++] = L' ';
        line[len++] = L'"';
        wmemcpy(line + len, argv[i], n);
        len += n;
        line[len++] = L'"';
    }
    line[len] = 0;
    STARTUPINFOW si = { sizeof si };
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    HANDLE job = CreateJobObjectW(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = { 0 };
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, line, NULL, NULL, TRUE, CREATE_NEW_CONSOLE | CREATE_SUSPENDED,
                        NULL, NULL, &si, &pi))
        return 3;
    AssignProcessToJobObject(job, pi.hProcess);
    ResumeThread(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    return (int)code;
}

/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks: Rust's
 * standard library takes its random numbers from ProcessPrng there. This one forwards
 * to advapi32's RtlGenRandom (SystemFunction036), which Wine has. Installed into the
 * test Wine prefix's system32 by scripts/windows-test; never shipped (real Windows has
 * the DLL). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}

// Auxiliary vector keys (include/uapi/linux/auxvec.h) and the HWCAPs this CPU advertises.

export const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_HWCAP2 = 26;
export const AT_EXECFN = 31;

/** arch/arm64/include/uapi/asm/hwcap.h: FP and ASIMD only. LSE (ATOMICS), CRC32, CPUID and
 * the rest are not advertised, so libc picks the baseline code paths this CPU implements. */
export const HWCAP_FP = 1 << 0;
export const HWCAP_ASIMD = 1 << 1;
export const A64_HWCAP = HWCAP_FP | HWCAP_ASIMD;
export const A64_HWCAP2 = 0;

export const CLOCK_TICKS_PER_SECOND = 100;

// Register numbering and EFLAGS bits, Intel SDM vol. 1 §3.4 and vol. 3 §2.3.
// GPR numbers are the ModRM "reg" encodings (SDM vol. 2 table 2-1).
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
// Segment register numbers are the Sreg encodings (SDM vol. 2 §3.1.1.3 "Sreg").
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
export const SREG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
export const REG32_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const REG16_NAMES = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const REG8_NAMES = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'] as const;

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
  DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000,
  AC = 0x40000, VIF = 0x80000, VIP = 0x100000, ID = 0x200000;
/** The six status flags (SDM vol. 1 §3.4.3.1). */
export const OSZAPC = CF | PF | AF | ZF | SF | OF;
/** Bit 1 of EFLAGS always reads as 1. */
export const FLAGS_FIXED1 = 0x2;
/** Bits an i686 lets software change at all (ID is writable: the CPUID check of SDM §3.4.3.3). */
export const FLAGS_WRITABLE = OSZAPC | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP | ID;

// Control register bits (SDM vol. 3 §2.5).
export const CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
  CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_NW = 0x20000000, CR0_CD = 0x40000000, CR0_PG = 0x80000000 | 0;
export const CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 0x10, CR4_PAE = 0x20,
  CR4_MCE = 0x40, CR4_PGE = 0x80, CR4_PCE = 0x100, CR4_OSFXSR = 0x200, CR4_OSXMMEXCPT = 0x400;
/** IA32_EFER (MSR 0xC0000080): NXE enables the XD bit in PAE entries (SDM vol. 3 §4.1.1). */
export const MSR_EFER = 0xc0000080 | 0, EFER_NXE = 0x800;
export const MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;
export const MSR_TSC = 0x10;

// THE opcode table: every i686 instruction form, one row each. The decoder, disassembler,
// semantics dispatch, JIT block former and test generator all read these rows; a fact about an
// instruction lives here and nowhere else.
//
// Legend — a row is "opcode | mnemonic | operands | flags | traits", fields separated by '|':
//
//  opcode   hex bytes (the 0F escape included), then optionally:
//             /r     a ModRM byte follows          /0../7  ModRM whose reg field is this digit
//             +r     low three bits name a register (operand Z); a row for one of the
//                    eight opcodes (90 NOP) takes precedence over the +r row
//             mem    only when ModRM.mod != 3      reg     only when ModRM.mod == 3
//             rm0..rm7  with reg: the ModRM.rm the form needs (MFENCE is exactly 0F AE F0;
//                    objdump shows the other register forms as (bad), so they are #UD here)
//  mnemonic as objdump prints it (Intel syntax). "a/b" = name with 16-bit / 32-bit operand size.
//  operands destination first; Intel SDM vol. 2 appendix A letters:
//             E  ModRM r/m (register or memory)       G  ModRM reg field, general register
//             M  ModRM r/m, memory only               R  ModRM r/m, register only
//             S  segment register in reg field        C/D control/debug register in reg field
//             I  immediate     J  relative offset     O  absolute offset (moffs)
//             A  far pointer immediate                X  DS:[eSI]   Y  ES:[eDI]
//             Z  general register in the opcode's low 3 bits
//           sizes: b byte, w word, d dword, v word or dword by operand size, z as v but an
//           immediate of at most 4 bytes, p far pointer (16:v), a BOUND pair, q qword,
//           s pseudo-descriptor (6 bytes), bs byte sign-extended to v
//           fixed operands: AL CL DX eAX AX 1 and the segment registers ES CS SS DS FS GS
//  flags    r:XXXX read, w:XXXX written with a defined value, u:XXXX left undefined by the SDM,
//           where X is one of O S Z A P C (status), D (direction), I (interrupt), T, F (all of
//           EFLAGS), with OSZAPC meaning all six status flags.
//  traits   lock  LOCK is allowed with a memory destination (else LOCK gives #UD)
//           rep   F3 repeats (string op)          repcc  F3/F2 repeat with a ZF condition
//           nowb  the first operand is only read (no write-back)
//           jump  ends a basic block (control transfer)   cond  conditional (falls through)
//           end   ends a basic block because it changes processor mode or state the block
//                 former assumed (segment, paging, interrupt flag)
//           priv  CPL 0 only (#GP(0) otherwise)   iopl  needs CPL <= IOPL
//           io    I/O instruction (IOPL, then the TSS bitmap)
//           x87   x87 escape (CR0.EM/TS give #NM)  noracle  not comparable with a native
//           ring-3 run on a Linux host: results are host-specific (CPUID, RDTSC), emulated
//           by the host kernel (SGDT SIDT SLDT STR SMSW under UMIP), or vendor-specific in
//           compatibility mode (SYSENTER, INT1); unit tests cover these rows instead
//           undoc an undocumented but real i686 opcode
//           np    SDM "NP": a 66, F2 or F3 prefix makes it a different (later) instruction or
//                 #UD, so here it is #UD (66 0F AE F0 is TPAUSE, F3 0F AE E8 INCSSPD)
//  sem      (optional 6th field) semantic function name when not the mnemonic.
//
// Sizes v/z follow the operand-size attribute; the address-size attribute (16/32) selects the
// ModRM/SIB forms, eSI/eDI/eCX for string ops and moffs widths.

export const TABLE_TEXT = String.raw`
00 /r     | add      | Eb,Gb    | w:OSZAPC         | lock
01 /r     | add      | Ev,Gv    | w:OSZAPC         | lock
02 /r     | add      | Gb,Eb    | w:OSZAPC         |
03 /r     | add      | Gv,Ev    | w:OSZAPC         |
04        | add      | AL,Ib    | w:OSZAPC         |
05        | add      | eAX,Iz   | w:OSZAPC         |
06        | pushw/push | ES     |                  | nowb
07        | popw/pop | ES       |                  | end
08 /r     | or       | Eb,Gb    | w:OSZPC u:A      | lock
09 /r     | or       | Ev,Gv    | w:OSZPC u:A      | lock
0A /r     | or       | Gb,Eb    | w:OSZPC u:A      |
0B /r     | or       | Gv,Ev    | w:OSZPC u:A      |
0C        | or       | AL,Ib    | w:OSZPC u:A      |
0D        | or       | eAX,Iz   | w:OSZPC u:A      |
0E        | pushw/push | CS     |                  | nowb
10 /r     | adc      | Eb,Gb    | r:C w:OSZAPC     | lock
11 /r     | adc      | Ev,Gv    | r:C w:OSZAPC     | lock
12 /r     | adc      | Gb,Eb    | r:C w:OSZAPC     |
13 /r     | adc      | Gv,Ev    | r:C w:OSZAPC     |
14        | adc      | AL,Ib    | r:C w:OSZAPC     |
15        | adc      | eAX,Iz   | r:C w:OSZAPC     |
16        | pushw/push | SS     |                  | nowb
17        | popw/pop | SS       |                  | end
18 /r     | sbb      | Eb,Gb    | r:C w:OSZAPC     | lock
19 /r     | sbb      | Ev,Gv    | r:C w:OSZAPC     | lock
1A /r     | sbb      | Gb,Eb    | r:C w:OSZAPC     |
1B /r     | sbb      | Gv,Ev    | r:C w:OSZAPC     |
1C        | sbb      | AL,Ib    | r:C w:OSZAPC     |
1D        | sbb      | eAX,Iz   | r:C w:OSZAPC     |
1E        | pushw/push | DS     |                  | nowb
1F        | popw/pop | DS       |                  | end
20 /r     | and      | Eb,Gb    | w:OSZPC u:A      | lock
21 /r     | and      | Ev,Gv    | w:OSZPC u:A      | lock
22 /r     | and      | Gb,Eb    | w:OSZPC u:A      |
23 /r     | and      | Gv,Ev    | w:OSZPC u:A      |
24        | and      | AL,Ib    | w:OSZPC u:A      |
25        | and      | eAX,Iz   | w:OSZPC u:A      |
27        | daa      |          | r:AC w:SZAPC u:O |
28 /r     | sub      | Eb,Gb    | w:OSZAPC         | lock
29 /r     | sub      | Ev,Gv    | w:OSZAPC         | lock
2A /r     | sub      | Gb,Eb    | w:OSZAPC         |
2B /r     | sub      | Gv,Ev    | w:OSZAPC         |
2C        | sub      | AL,Ib    | w:OSZAPC         |
2D        | sub      | eAX,Iz   | w:OSZAPC         |
2F        | das      |          | r:AC w:SZAPC u:O |
30 /r     | xor      | Eb,Gb    | w:OSZPC u:A      | lock
31 /r     | xor      | Ev,Gv    | w:OSZPC u:A      | lock
32 /r     | xor      | Gb,Eb    | w:OSZPC u:A      |
33 /r     | xor      | Gv,Ev    | w:OSZPC u:A      |
34        | xor      | AL,Ib    | w:OSZPC u:A      |
35        | xor      | eAX,Iz   | w:OSZPC u:A      |
37        | aaa      |          | r:A w:AC u:OSZP  |
38 /r     | cmp      | Eb,Gb    | w:OSZAPC         | nowb
39 /r     | cmp      | Ev,Gv    | w:OSZAPC         | nowb
3A /r     | cmp      | Gb,Eb    | w:OSZAPC         | nowb
3B /r     | cmp      | Gv,Ev    | w:OSZAPC         | nowb
3C        | cmp      | AL,Ib    | w:OSZAPC         | nowb
3D        | cmp      | eAX,Iz   | w:OSZAPC         | nowb
3F        | aas      |          | r:A w:AC u:OSZP  |
40 +r     | inc      | Zv       | w:OSZAP          |
48 +r     | dec      | Zv       | w:OSZAP          |
50 +r     | push     | Zv       |                  | nowb
58 +r     | pop      | Zv       |                  |
60        | pushaw/pusha | -    |                  |
61        | popaw/popa | -      |                  |
62 /r mem | bound    | Gv,Ma    |                  | nowb
63 /r     | arpl     | Ew,Gw    | w:Z              |
68        | pushw/push | Iz     |                  | nowb
69 /r     | imul     | Gv,Ev,Iz | w:OC u:SZAP      |
6A        | pushw/push | Ibs    |                  | nowb
6B /r     | imul     | Gv,Ev,Ibs | w:OC u:SZAP     |
6C        | ins      | Yb,DX    | r:D              | rep io
6D        | ins      | Yz,DX    | r:D              | rep io
6E        | outs     | DX,Xb    | r:D              | rep io nowb
6F        | outs     | DX,Xz    | r:D              | rep io nowb
70 cc     | j        | Jb       | r:OSZPC          | jump cond
80 /0     | add      | Eb,Ib    | w:OSZAPC         | lock
80 /1     | or       | Eb,Ib    | w:OSZPC u:A      | lock
80 /2     | adc      | Eb,Ib    | r:C w:OSZAPC     | lock
80 /3     | sbb      | Eb,Ib    | r:C w:OSZAPC     | lock
80 /4     | and      | Eb,Ib    | w:OSZPC u:A      | lock
80 /5     | sub      | Eb,Ib    | w:OSZAPC         | lock
80 /6     | xor      | Eb,Ib    | w:OSZPC u:A      | lock
80 /7     | cmp      | Eb,Ib    | w:OSZAPC         | nowb
81 /0     | add      | Ev,Iz    | w:OSZAPC         | lock
81 /1     | or       | Ev,Iz    | w:OSZPC u:A      | lock
81 /2     | adc      | Ev,Iz    | r:C w:OSZAPC     | lock
81 /3     | sbb      | Ev,Iz    | r:C w:OSZAPC     | lock
81 /4     | and      | Ev,Iz    | w:OSZPC u:A      | lock
81 /5     | sub      | Ev,Iz    | w:OSZAPC         | lock
81 /6     | xor      | Ev,Iz    | w:OSZPC u:A      | lock
81 /7     | cmp      | Ev,Iz    | w:OSZAPC         | nowb
82 /0     | add      | Eb,Ib    | w:OSZAPC         | lock undoc
82 /1     | or       | Eb,Ib    | w:OSZPC u:A      | lock undoc
82 /2     | adc      | Eb,Ib    | r:C w:OSZAPC     | lock undoc
82 /3     | sbb      | Eb,Ib    | r:C w:OSZAPC     | lock undoc
82 /4     | and      | Eb,Ib    | w:OSZPC u:A      | lock undoc
82 /5     | sub      | Eb,Ib    | w:OSZAPC         | lock undoc
82 /6     | xor      | Eb,Ib    | w:OSZPC u:A      | lock undoc
82 /7     | cmp      | Eb,Ib    | w:OSZAPC         | nowb undoc
83 /0     | add      | Ev,Ibs   | w:OSZAPC         | lock
83 /1     | or       | Ev,Ibs   | w:OSZPC u:A      | lock
83 /2     | adc      | Ev,Ibs   | r:C w:OSZAPC     | lock
83 /3     | sbb      | Ev,Ibs   | r:C w:OSZAPC     | lock
83 /4     | and      | Ev,Ibs   | w:OSZPC u:A      | lock
83 /5     | sub      | Ev,Ibs   | w:OSZAPC         | lock
83 /6     | xor      | Ev,Ibs   | w:OSZPC u:A      | lock
83 /7     | cmp      | Ev,Ibs   | w:OSZAPC         | nowb
84 /r     | test     | Eb,Gb    | w:OSZPC u:A      | nowb
85 /r     | test     | Ev,Gv    | w:OSZPC u:A      | nowb
86 /r     | xchg     | Eb,Gb    |                  | lock
87 /r     | xchg     | Ev,Gv    |                  | lock
88 /r     | mov      | Eb,Gb    |                  |
89 /r     | mov      | Ev,Gv    |                  |
8A /r     | mov      | Gb,Eb    |                  |
8B /r     | mov      | Gv,Ev    |                  |
8C /r     | mov      | Ev,Sw    |                  | | movsr
8D /r mem | lea      | Gv,M     |                  |
8E /r     | mov      | Sw,Ew    |                  | end | movsr
8F /0     | pop      | Ev       |                  |
90        | xchg ax,ax/nop |    |                  |
90 +r     | xchg     | Zv,eAX   |                  |
98        | cbw/cwde |          |                  |
99        | cwd/cdq  |          |                  |
9A        | call     | Ap       |                  | jump | callf
9B        | fwait    |          |                  |
9C        | pushfw/pushf | -    | r:F              |
9D        | popfw/popf | -      | w:F              | end
9E        | sahf     |          | w:SZAPC          |
9F        | lahf     |          | r:SZAPC          |
A0        | mov      | AL,Ob    |                  |
A1        | mov      | eAX,Ov   |                  |
A2        | mov      | Ob,AL    |                  |
A3        | mov      | Ov,eAX   |                  |
A4        | movs     | Yb,Xb    | r:D              | rep
A5        | movs     | Yv,Xv    | r:D              | rep
A6        | cmps     | Xb,Yb    | r:D w:OSZAPC     | repcc nowb
A7        | cmps     | Xv,Yv    | r:D w:OSZAPC     | repcc nowb
A8        | test     | AL,Ib    | w:OSZPC u:A      | nowb
A9        | test     | eAX,Iz   | w:OSZPC u:A      | nowb
AA        | stos     | Yb,AL    | r:D              | rep
AB        | stos     | Yv,eAX   | r:D              | rep
AC        | lods     | AL,Xb    | r:D              | rep
AD        | lods     | eAX,Xv   | r:D              | rep
AE        | scas     | AL,Yb    | r:D w:OSZAPC     | repcc nowb
AF        | scas     | eAX,Yv   | r:D w:OSZAPC     | repcc nowb
B0 +r     | mov      | Zb,Ib    |                  |
B8 +r     | mov      | Zv,Iv    |                  |
C0 /0     | rol      | Eb,Ib    | w:OC             | | shift
C0 /1     | ror      | Eb,Ib    | w:OC             | | shift
C0 /2     | rcl      | Eb,Ib    | r:C w:OC         | | shift
C0 /3     | rcr      | Eb,Ib    | r:C w:OC         | | shift
C0 /4     | shl      | Eb,Ib    | w:OSZPC u:A      | | shift
C0 /5     | shr      | Eb,Ib    | w:OSZPC u:A      | | shift
C0 /6     | shl      | Eb,Ib    | w:OSZPC u:A      | undoc | shift
C0 /7     | sar      | Eb,Ib    | w:OSZPC u:A      | | shift
C1 /0     | rol      | Ev,Ib    | w:OC             | | shift
C1 /1     | ror      | Ev,Ib    | w:OC             | | shift
C1 /2     | rcl      | Ev,Ib    | r:C w:OC         | | shift
C1 /3     | rcr      | Ev,Ib    | r:C w:OC         | | shift
C1 /4     | shl      | Ev,Ib    | w:OSZPC u:A      | | shift
C1 /5     | shr      | Ev,Ib    | w:OSZPC u:A      | | shift
C1 /6     | shl      | Ev,Ib    | w:OSZPC u:A      | undoc | shift
C1 /7     | sar      | Ev,Ib    | w:OSZPC u:A      | | shift
C2        | retw/ret | Iw       |                  | jump
C3        | retw/ret |          |                  | jump
C4 /r mem | les      | Gv,Mp    |                  | end | lseg
C5 /r mem | lds      | Gv,Mp    |                  | end | lseg
C6 /0     | mov      | Eb,Ib    |                  |
C7 /0     | mov      | Ev,Iz    |                  |
C8        | enterw/enter | Iw,Ib |                  |
C9        | leavew/leave |      |                  |
CA        | retfw/retf | Iw     |                  | jump
CB        | retfw/retf |        |                  | jump
CC        | int3     |          |                  | jump
CD        | int      | Ib       |                  | jump
CE        | into     |          | r:O              | jump
CF        | iretw/iret | -      | w:F              | jump
D0 /0     | rol      | Eb,1     | w:OC             | | shift
D0 /1     | ror      | Eb,1     | w:OC             | | shift
D0 /2     | rcl      | Eb,1     | r:C w:OC         | | shift
D0 /3     | rcr      | Eb,1     | r:C w:OC         | | shift
D0 /4     | shl      | Eb,1     | w:OSZPC u:A      | | shift
D0 /5     | shr      | Eb,1     | w:OSZPC u:A      | | shift
D0 /6     | shl      | Eb,1     | w:OSZPC u:A      | undoc | shift
D0 /7     | sar      | Eb,1     | w:OSZPC u:A      | | shift
D1 /0     | rol      | Ev,1     | w:OC             | | shift
D1 /1     | ror      | Ev,1     | w:OC             | | shift
D1 /2     | rcl      | Ev,1     | r:C w:OC         | | shift
D1 /3     | rcr      | Ev,1     | r:C w:OC         | | shift
D1 /4     | shl      | Ev,1     | w:OSZPC u:A      | | shift
D1 /5     | shr      | Ev,1     | w:OSZPC u:A      | | shift
D1 /6     | shl      | Ev,1     | w:OSZPC u:A      | undoc | shift
D1 /7     | sar      | Ev,1     | w:OSZPC u:A      | | shift
D2 /0     | rol      | Eb,CL    | w:OC             | | shift
D2 /1     | ror      | Eb,CL    | w:OC             | | shift
D2 /2     | rcl      | Eb,CL    | r:C w:OC         | | shift
D2 /3     | rcr      | Eb,CL    | r:C w:OC         | | shift
D2 /4     | shl      | Eb,CL    | w:OSZPC u:A      | | shift
D2 /5     | shr      | Eb,CL    | w:OSZPC u:A      | | shift
D2 /6     | shl      | Eb,CL    | w:OSZPC u:A      | undoc | shift
D2 /7     | sar      | Eb,CL    | w:OSZPC u:A      | | shift
D3 /0     | rol      | Ev,CL    | w:OC             | | shift
D3 /1     | ror      | Ev,CL    | w:OC             | | shift
D3 /2     | rcl      | Ev,CL    | r:C w:OC         | | shift
D3 /3     | rcr      | Ev,CL    | r:C w:OC         | | shift
D3 /4     | shl      | Ev,CL    | w:OSZPC u:A      | | shift
D3 /5     | shr      | Ev,CL    | w:OSZPC u:A      | | shift
D3 /6     | shl      | Ev,CL    | w:OSZPC u:A      | undoc | shift
D3 /7     | sar      | Ev,CL    | w:OSZPC u:A      | | shift
D4        | aam      | Ib       | w:SZP u:OAC      |
D5        | aad      | Ib       | w:SZP u:OAC      |
D6        | salc     |          | r:C              | undoc
D7        | xlat     |          |                  |
D8 /r     | fpu      | M        |                  | x87
D9 /r     | fpu      | M        |                  | x87
DA /r     | fpu      | M        |                  | x87
DB /r     | fpu      | M        |                  | x87
DC /r     | fpu      | M        |                  | x87
DD /r     | fpu      | M        |                  | x87
DE /r     | fpu      | M        |                  | x87
DF /r     | fpu      | M        |                  | x87
E0        | loopne   | Jb       | r:Z              | jump cond
E1        | loope    | Jb       | r:Z              | jump cond
E2        | loop     | Jb       |                  | jump cond
E3        | jcxz/jecxz | Jb     |                  | jump cond
E4        | in       | AL,Ib    |                  | io
E5        | in       | eAX,Ib   |                  | io
E6        | out      | Ib,AL    |                  | io nowb
E7        | out      | Ib,eAX   |                  | io nowb
E8        | callw/call | Jz     |                  | jump
E9        | jmpw/jmp | Jz       |                  | jump
EA        | jmp      | Ap       |                  | jump | jmpf
EB        | jmp      | Jb       |                  | jump
EC        | in       | AL,DX    |                  | io
ED        | in       | eAX,DX   |                  | io
EE        | out      | DX,AL    |                  | io nowb
EF        | out      | DX,eAX   |                  | io nowb
F1        | int1     |          |                  | jump undoc noracle
F4        | hlt      |          |                  | jump priv
F5        | cmc      |          | r:C w:C          |
F6 /0     | test     | Eb,Ib    | w:OSZPC u:A      | nowb
F6 /1     | test     | Eb,Ib    | w:OSZPC u:A      | nowb undoc
F6 /2     | not      | Eb       |                  | lock
F6 /3     | neg      | Eb       | w:OSZAPC         | lock
F6 /4     | mul      | Eb       | w:OC u:SZAP      | nowb
F6 /5     | imul     | Eb       | w:OC u:SZAP      | nowb | imul1
F6 /6     | div      | Eb       | u:OSZAPC         | nowb
F6 /7     | idiv     | Eb       | u:OSZAPC         | nowb
F7 /0     | test     | Ev,Iz    | w:OSZPC u:A      | nowb
F7 /1     | test     | Ev,Iz    | w:OSZPC u:A      | nowb undoc
F7 /2     | not      | Ev       |                  | lock
F7 /3     | neg      | Ev       | w:OSZAPC         | lock
F7 /4     | mul      | Ev       | w:OC u:SZAP      | nowb
F7 /5     | imul     | Ev       | w:OC u:SZAP      | nowb | imul1
F7 /6     | div      | Ev       | u:OSZAPC         | nowb
F7 /7     | idiv     | Ev       | u:OSZAPC         | nowb
F8        | clc      |          | w:C              |
F9        | stc      |          | w:C              |
FA        | cli      |          | w:I              | iopl end
FB        | sti      |          | w:I              | iopl end
FC        | cld      |          | w:D              |
FD        | std      |          | w:D              |
FE /0     | inc      | Eb       | w:OSZAP          | lock
FE /1     | dec      | Eb       | w:OSZAP          | lock
FF /0     | inc      | Ev       | w:OSZAP          | lock
FF /1     | dec      | Ev       | w:OSZAP          | lock
FF /2     | call     | Ev       |                  | jump nowb | calln
FF /3 mem | call     | Mp       |                  | jump nowb | callf
FF /4     | jmp      | Ev       |                  | jump nowb | jmpn
FF /5 mem | jmp      | Mp       |                  | jump nowb | jmpf
FF /6     | push     | Ev       |                  | nowb
0F 00 /0  | sldt     | Ev       |                  | noracle
0F 00 /1  | str      | Ev       |                  | noracle
0F 00 /2  | lldt     | Ew       |                  | priv end nowb
0F 00 /3  | ltr      | Ew       |                  | priv end nowb
0F 00 /4  | verr     | Ew       | w:Z              | nowb
0F 00 /5  | verw     | Ew       | w:Z              | nowb
0F 01 /0 mem | sgdtw/sgdtd | Ms |                  | noracle | sgdt
0F 01 /1 mem | sidtw/sidtd | Ms |                  | noracle | sidt
0F 01 /2 mem | lgdtw/lgdtd | Ms |                  | priv end nowb | lgdt
0F 01 /3 mem | lidtw/lidtd | Ms |                  | priv end nowb | lidt
0F 01 /4  | smsw     | Ev       |                  | noracle
0F 01 /6  | lmsw     | Ew       |                  | priv end nowb
0F 01 /7 mem | invlpg | M       |                  | priv end nowb
0F 02 /r  | lar      | Gv,Ew    | w:Z              |
0F 03 /r  | lsl      | Gv,Ew    | w:Z              |
0F 06     | clts     |          |                  | priv
0F 08     | invd     |          |                  | priv
0F 09     | wbinvd   |          |                  | priv
0F 0B     | ud2      |          |                  | jump
0F 18 /0 mem | prefetchnta | M  |                  | nowb | hintnop
0F 18 /1 mem | prefetcht0 | M   |                  | nowb | hintnop
0F 18 /2 mem | prefetcht1 | M   |                  | nowb | hintnop
0F 18 /3 mem | prefetcht2 | M   |                  | nowb | hintnop
0F 1F /0  | nop      | Ev       |                  | nowb | hintnop
0F 20 /r reg | mov   | Rd,Cd    |                  | priv | movcr
0F 21 /r reg | mov   | Rd,Dd    |                  | priv | movdr
0F 22 /r reg | mov   | Cd,Rd    |                  | priv end | movcr
0F 23 /r reg | mov   | Dd,Rd    |                  | priv end | movdr
0F 30     | wrmsr    |          |                  | priv end
0F 31     | rdtsc    |          |                  | noracle
0F 32     | rdmsr    |          |                  | priv
0F 34     | sysenter |          |                  | jump noracle
0F 35     | sysexit  |          |                  | jump priv
0F 40 cc /r | cmov   | Gv,Ev    | r:OSZPC          |
0F 80 cc  | j        | Jz       | r:OSZPC          | jump cond
0F 90 cc /r | set    | Eb       | r:OSZPC          |
0F A0     | pushw/push | FS     |                  | nowb
0F A1     | popw/pop | FS       |                  | end
0F A2     | cpuid    |          |                  | noracle
0F A3 /r  | bt       | Ev,Gv    | w:C u:OSAP       | nowb
0F A4 /r  | shld     | Ev,Gv,Ib | w:OSZPC u:A      | | shiftd
0F A5 /r  | shld     | Ev,Gv,CL | w:OSZPC u:A      | | shiftd
0F A8     | pushw/push | GS     |                  | nowb
0F A9     | popw/pop | GS       |                  | end
0F AB /r  | bts      | Ev,Gv    | w:C u:OSAP       | lock
0F AC /r  | shrd     | Ev,Gv,Ib | w:OSZPC u:A      | | shiftd
0F AD /r  | shrd     | Ev,Gv,CL | w:OSZPC u:A      | | shiftd
0F AE /5 reg rm0 | lfence |          |                  | nowb np | hintnop
0F AE /6 reg rm0 | mfence |          |                  | nowb np | hintnop
0F AE /7 reg rm0 | sfence |          |                  | nowb np | hintnop
0F AF /r  | imul     | Gv,Ev    | w:OC u:SZAP      | | imul2
0F B0 /r  | cmpxchg  | Eb,Gb    | w:OSZAPC         | lock
0F B1 /r  | cmpxchg  | Ev,Gv    | w:OSZAPC         | lock
0F B2 /r mem | lss   | Gv,Mp    |                  | end | lseg
0F B3 /r  | btr      | Ev,Gv    | w:C u:OSAP       | lock
0F B4 /r mem | lfs   | Gv,Mp    |                  | end | lseg
0F B5 /r mem | lgs   | Gv,Mp    |                  | end | lseg
0F B6 /r  | movzx    | Gv,Eb    |                  |
0F B7 /r  | movzx    | Gv,Ew    |                  |
0F BA /4  | bt       | Ev,Ib    | w:C u:OSAP       | nowb
0F BA /5  | bts      | Ev,Ib    | w:C u:OSAP       | lock
0F BA /6  | btr      | Ev,Ib    | w:C u:OSAP       | lock
0F BA /7  | btc      | Ev,Ib    | w:C u:OSAP       | lock
0F BB /r  | btc      | Ev,Gv    | w:C u:OSAP       | lock
0F BC /r  | bsf      | Gv,Ev    | w:Z u:OSAPC      |
0F BD /r  | bsr      | Gv,Ev    | w:Z u:OSAPC      |
0F BE /r  | movsx    | Gv,Eb    |                  |
0F BF /r  | movsx    | Gv,Ew    |                  |
0F C0 /r  | xadd     | Eb,Gb    | w:OSZAPC         | lock
0F C1 /r  | xadd     | Ev,Gv    | w:OSZAPC         | lock
0F C7 /1 mem | cmpxchg8b | Mq   | w:Z              | lock
0F C8 +r  | bswap    | Zd       |                  |
`;

/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "bpfsim.h"

#define BPF_MAXINSNS_SECCOMP 4096U

int bpf_check(const struct sock_filter *prog, size_t n, size_t *ret_pc) {
        if (n == 0 || n > BPF_MAXINSNS_SECCOMP) {
                if (ret_pc)
                        *ret_pc = 0;
                return -EINVAL;
        }
        for (size_t pc = 0; pc < n; pc++) {
                const struct sock_filter *f = &prog[pc];
                uint16_t code = f->code;
                bool ok = true;

                switch (BPF_CLASS(code)) {
                case BPF_LD:
                        if (code == (BPF_LD | BPF_W | BPF_ABS))
                                ok = f->k < sizeof(struct seccomp_data) && (f->k & 3) == 0;
                        else if (code == (BPF_LD | BPF_W | BPF_LEN) || code == (BPF_LD | BPF_IMM))
                                ok = true;
                        else if (code == (BPF_LD | BPF_MEM))
                                ok = f->k < BPF_MEMWORDS;
                        else
                                ok = false;
                        break;
                case BPF_LDX:
                        if (code == (BPF_LDX | BPF_W | BPF_LEN) || code == (BPF_LDX | BPF_IMM))
                                ok = true;
                        else if (code == (BPF_LDX | BPF_MEM))
                                ok = f->k < BPF_MEMWORDS;
                        else
                                ok = false;
                        break;
                case BPF_ST:
                case BPF_STX:
                        ok = f->k < BPF_MEMWORDS;
                        break;
                case BPF_ALU:
                        switch (BPF_OP(code)) {
                        case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
                        case BPF_LSH: case BPF_RSH: case BPF_NEG: case BPF_XOR:
                                break;
                        case BPF_DIV: case BPF_MOD:
                                ok = BPF_SRC(code) == BPF_X || f->k != 0;
                                break;
                        default:
                                ok = false;
                        }
                        break;
                case BPF_JMP:
                        if (BPF_OP(code) == BPF_JA)
                                ok = f->k < n - pc - 1;
                        else if (BPF_OP(code) == BPF_JEQ || BPF_OP(code) == BPF_JGT || BPF_OP(code) == BPF_JGE ||
                                 BPF_OP(code) == BPF_JSET)
                                ok = (size_t) f->jt < n - pc - 1 && (size_t) f->jf < n - pc - 1;
                        else
                                ok = false;
                        break;
                case BPF_RET:
                        ok = BPF_RVAL(code) == BPF_K || BPF_RVAL(code) == BPF_A;
                        break;
                case BPF_MISC:
                        ok = BPF_MISCOP(code) == BPF_TAX || BPF_MISCOP(code) == BPF_TXA;
                        break;
                default:
                        ok = false;
                }
                if (!ok) {
                        if (ret_pc)
                                *ret_pc = pc;
                        return -EINVAL;
                }
        }
        if (BPF_CLASS(prog[n - 1].code) != BPF_RET) {
                if (ret_pc)
                        *ret_pc = n - 1;
                return -EINVAL;
        }
        return 0;
}

int bpf_run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d, uint32_t *ret) {
        uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
        uint8_t data[sizeof(struct seccomp_data)];
        int r;

        r = bpf_check(prog, n, NULL);
        if (r < 0)
                return r;
        memcpy(data, d, sizeof(data));

        /* Classic BPF only jumps forward, so this loop ends within n steps. */
        for (size_t pc = 0; pc < n; pc++) {
                const struct sock_filter *f = &prog[pc];
                uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
                bool cond;

                switch (BPF_CLASS(f->code)) {
                case BPF_LD:
                        if (f->code == (BPF_LD | BPF_W | BPF_ABS))
                                memcpy(&a, data + f->k, sizeof(a)); /* host byte order, like the kernel */
                        else if (f->code == (BPF_LD | BPF_W | BPF_LEN))
                                a = sizeof(struct seccomp_data);
                        else if (f->code == (BPF_LD | BPF_IMM))
                                a = f->k;
                        else
                                a = mem[f->k];
                        break;
                case BPF_LDX:
                        if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
                                x = sizeof(struct seccomp_data);
                        else if (f->code == (BPF_LDX | BPF_IMM))
                                x = f->k;
                        else
                                x = mem[f->k];
                        break;
                case BPF_ST:
                        mem[f->k] = a;
                        break;
                case BPF_STX:
                        mem[f->k] = x;
                        break;
                case BPF_ALU:
                        switch (BPF_OP(f->code)) {
                        case BPF_ADD: a += src; break;
                        case BPF_SUB: a -= src; break;
                        case BPF_MUL: a *= src; break;
                        case BPF_DIV:
                                if (src == 0) {
                                        *ret = 0; /* the kernel's classic BPF returns 0: kill */
                                        return 0;
                                }
                                a /= src;
                                break;
                        case BPF_MOD:
                                if (src == 0) {
                                        *ret = 0;
                                        return 0;
                                }
                                a %= src;
                                break;
                        case BPF_OR: a |= src; break;
                        case BPF_AND: a &= src; break;
                        case BPF_XOR: a ^= src; break;
                        case BPF_LSH: a = src >= 32 ? 0 : a << src; break;
                        case BPF_RSH: a = src >= 32 ? 0 : a >> src; break;
                        case BPF_NEG: a = -a; break;
                        }
                        break;
                case BPF_JMP:
                        if (BPF_OP(f->code) == BPF_JA) {
                                pc += f->k;
                                break;
                        }
                        switch (BPF_OP(f->code)) {
                        case BPF_JEQ: cond = a == src; break;
                        case BPF_JGT: cond = a > src; break;
                        case BPF_JGE: cond = a >= src; break;
                        default: cond = (a & src) != 0; break;
                        }
                        pc += cond ? f->jt : f->jf;
                        break;
                case BPF_RET:
                        *ret = BPF_RVAL(f->code) == BPF_A ? a : f->k;
                        return 0;
                case BPF_MISC:
                        if (BPF_MISCOP(f->code) == BPF_TAX)
                                x = a;
                        else
                                a = x;
                        break;
                }
        }
        return -EINVAL; /* not reached: bpf_check() requires a final return */
}

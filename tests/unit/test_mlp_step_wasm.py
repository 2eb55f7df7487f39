"""static/kernels/mlp_step.wasm, the worker's C step, is built with WebAssembly
SIMD (clang -msimd128, Makefile): its code holds SIMD instructions (those
prefixed 0xFD). The instructions are decoded one by one, so a byte 0xFD
inside another instruction's immediate never counts; the same count is 0
for a build without -msimd128, made here with the Makefile's own command."""
import os
import shlex
import shutil
import subprocess

import pytest

from shared import shipped
from tools import ROOT

WASM = os.path.join(ROOT, shipped.C_STEP)
CODE_SECTION = 10
SIMD, MISC = 0xFD, 0xFC


class Reader:
    def __init__(self, data, at=0, end=None):
        self.data, self.at, self.end = data, at, len(data) if end is None else end

    def byte(self):
        value = self.data[self.at]
        self.at += 1
        return value

    def leb(self):
        """A LEB128 number (signed or not): its bytes read, its unsigned value."""
        value = shift = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    def immediates(self, form):
        """Read what follows an opcode, by form: u a LEB128 number, b a byte,
        f d v 4, 8 and 16 bytes, t a block type, T a br_table's labels, s a
        select's types."""
        for kind in form:
            if kind == "u":
                self.leb()
            elif kind in "bfdv":
                self.at += {"b": 1, "f": 4, "d": 8, "v": 16}[kind]
            elif kind == "t":
                if self.data[self.at] in BLOCK_TYPES:
                    self.at += 1
                else:
                    self.leb()              # a type index
            elif kind == "T":
                for _ in range(self.leb() + 1):
                    self.leb()
            elif kind == "s":
                self.at += self.leb()


BLOCK_TYPES = {0x40, 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F}
# Each opcode's immediates (Reader.immediates' forms); those not here are unknown.
OPCODES = {**dict.fromkeys([0x00, 0x01, 0x05, 0x0B, 0x0F, 0x1A, 0x1B, 0xD1, *range(0x45, 0xC5)], ""),
           **dict.fromkeys([0x02, 0x03, 0x04], "t"), 0x0E: "T", 0x11: "uu", 0x1C: "s",
           **dict.fromkeys([0x0C, 0x0D, 0x10, *range(0x20, 0x27), 0x41, 0x42, 0xD2], "u"),
           **dict.fromkeys(range(0x28, 0x3F), "uu"),          # loads and stores: a memarg
           0x3F: "b", 0x40: "b", 0xD0: "b", 0x43: "f", 0x44: "d"}
MISC_OPS = {**dict.fromkeys(range(8), ""), 8: "ub", 9: "u", 10: "bb", 11: "b", 12: "uu", 13: "u",
            14: "uu", 15: "u", 16: "u", 17: "u"}
SIMD_OPS = {**dict.fromkeys([*range(12), 92, 93], "uu"), 12: "v", 13: "v",   # memargs; const, shuffle
            **dict.fromkeys(range(21, 35), "b"), **dict.fromkeys(range(84, 92), "uub")}   # lanes


def instruction(r):
    """Read one instruction: its opcode, or (prefix, sub-opcode) for 0xFC and 0xFD."""
    op = r.byte()
    if op in (MISC, SIMD):
        sub = r.leb()
        table = MISC_OPS if op == MISC else SIMD_OPS
        if op == MISC and sub not in table:
            raise ValueError("unknown instruction 0xFC %d at byte %d" % (sub, r.at))
        r.immediates(table.get(sub, ""))            # the other SIMD instructions take none
        return op, sub
    if op not in OPCODES:
        raise ValueError("unknown opcode 0x%02X at byte %d" % (op, r.at - 1))
    r.immediates(OPCODES[op])
    return op


def simd_instructions(data):
    """How many SIMD instructions the module's code holds (every body decoded whole)."""
    assert data[:8] == b"\0asm\x01\0\0\0", "not a WebAssembly module"
    r = Reader(data, 8)
    count = bodies = 0
    while r.at < len(data):
        section, size = r.byte(), r.leb()
        if section != CODE_SECTION:
            r.at += size
            continue
        code = Reader(data, r.at, r.at + size)
        for _ in range(code.leb()):
            body_size = code.leb()
            body = Reader(data, code.at, code.at + body_size)
            for _ in range(body.leb()):              # local declarations: a count and a type
                body.immediates("ub")
            while body.at < body.end:
                op = instruction(body)
                count += isinstance(op, tuple) and op[0] == SIMD
            assert body.at == body.end and data[body.end - 1] == 0x0B, "a body that does not end"
            code.at = body.end
            bodies += 1
        r.at += size
    assert bodies, "no code section"
    return count


def test_the_shipped_c_step_uses_simd():
    with open(WASM, "rb") as f:
        assert simd_instructions(f.read()) > 0


def build_commands(out):
    """The Makefile's commands that build the .wasm, as make expands them, writing `out`."""
    printed = subprocess.run(["make", "--no-print-directory", "-n", "-B", "STEP_WASM=" + out, out],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    commands = [shlex.split(line) for line in printed.replace("\\\n", " ").splitlines()]
    return [words for words in commands if words and words[0] in ("clang", "wasm-ld")]


def test_a_build_without_simd_is_told_apart(tmp_path):
    """The check can fail: the Makefile's own commands, less -msimd128."""
    if not (shutil.which("clang") and shutil.which("wasm-ld")):
        pytest.skip("clang and wasm-ld are missing: no build without SIMD to compare with")
    out = str(tmp_path / "step.wasm")
    commands = build_commands(out)
    assert [words[0] for words in commands] == ["clang", "wasm-ld"]
    assert "-msimd128" in commands[0]
    for words in commands:
        words = [str(tmp_path / "step.o") if w.endswith(".o") else w      # not .cache's
                 for w in words if w != "-msimd128"]
        subprocess.run(words, check=True, cwd=ROOT)
    with open(out, "rb") as f:
        assert simd_instructions(f.read()) == 0

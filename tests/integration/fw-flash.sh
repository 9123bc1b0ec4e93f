# SPDX-License-Identifier: GPL-2.0
# fw-flash.sh - the flash payload on a CFI flash image (-F): query, erase,
# word and buffered program, bits that cannot come back, code run in place;
# then the image file must hold what the guest programmed, and a second run
# must find it there.  Bad images: one line each, status 1.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 240
. /tests/lib.sh

img=/tmp/flash.img
args="-c 1 -m 64"
use_vmm_ko

# The image flash.c expects: 4 MiB of 0xff (erased flash), a magic at 0,
# block 1 zeroed, and "mov x0, #42; ret" (0xd2800540 0xd65f03c0, little
# endian) at 2 MiB.
dd if=/dev/zero bs=65536 count=64 2>/dev/null | tr '\000' '\377' > $img
printf 'VMM flash image\n' | dd of=$img conv=notrunc 2>/dev/null
dd if=/dev/zero of=$img bs=65536 seek=1 count=1 conv=notrunc 2>/dev/null
printf '\100\005\200\322\300\003\137\326' |
	dd of=$img bs=65536 seek=32 conv=notrunc 2>/dev/null
[ "$(wc -c < $img)" = 4194304 ] || fail "the image is $(wc -c < $img) bytes, expected 4 MiB"

# Without read-only memory slots the vmm traps every flash access (a debug
# line says so) and an instruction fetch from the flash cannot work: ask
# the vmm (--dump-dtb sets up the devices, runs nothing), and tell the
# payload to skip execute-in-place then.
vmm run -k /firmware/flash.img -F $img $args --dump-dtb /tmp/flash.dtb \
	--loglevel debug < /dev/null > /tmp/flash.probe 2>&1 ||
	fail "the probe run failed: $(tail -n 1 /tmp/flash.probe)"
params=
if grep -q 'no read-only memory slots' /tmp/flash.probe; then
	on_vmm_ko ||
		fail "the kernel's KVM offers read-only memory slots, but the vmm did not use one"
	echo "# $TB_MODE: the hypervisor has no read-only memory slots (KVM_CAP_READONLY_MEM): execute-in-place skipped"
	params=flash.noxip
fi

run_payload flash 30 -F $img $args ${params:+-p $params}

# The guest's programs and erases are in the file (flash.c's CHECK_*).
word() {
	od -An -tx4 -j $(($1)) -N 4 $img | tr -d ' '
}
expect_word() {
	[ "$(word $1)" = "$2" ] || fail "image word at $1 is $(word $1), expected $2"
}
expect_word 0x10000 12345678
expect_word 0x10004 00000000
expect_word 0x10008 cafef00d
expect_word 0x1000c ffffffff
i=0
while [ $i -lt 8 ]; do
	expect_word $((0x10100 + 4 * i)) b000000$i
	i=$((i + 1))
done
expect_word 0x10120 ffffffff
# the rest of block 1 is erased: 11 programmed words are all it holds
n=$(dd if=$img bs=65536 skip=1 count=1 2>/dev/null | tr -d '\377' | wc -c)
[ "$n" = 44 ] || fail "block 1 holds $n bytes other than 0xff, expected 44"
# the other blocks are untouched
[ "$(dd if=$img bs=16 count=1 2>/dev/null)" = "VMM flash image" ] ||
	fail "block 0 lost its magic"
n=$(dd if=$img bs=65536 skip=2 count=30 2>/dev/null | tr -d '\377' | wc -c)
[ "$n" = 0 ] || fail "blocks 2-31 hold $n bytes other than 0xff"
echo "# the image holds what the guest programmed"

# A second run finds it at boot (one -p: the last one wins).
run_payload flash 30 -F $img $args -p "${params:+$params }flash.again"

# Bad images: one line, status 1.
vmm_run run -k /firmware/flash.img $args -F /nonexistent.img
expect_error '--flash /nonexistent.img: No such file or directory'
expect_status 1
vmm_run run -k /firmware/flash.img $args -F /tmp
expect_error '--flash /tmp: Is a directory'
expect_status 1
: > /tmp/empty.img
vmm_run run -k /firmware/flash.img $args -F /tmp/empty.img
expect_error '--flash /tmp/empty.img: the file is empty'
expect_status 1
dd if=/dev/zero of=/tmp/odd.img bs=1000 count=100 2>/dev/null
vmm_run run -k /firmware/flash.img $args -F /tmp/odd.img
expect_error '--flash /tmp/odd.img: 100000 bytes; a flash image is a power of two from 64 KiB'
expect_status 1
dd if=/dev/zero of=/tmp/big.img bs=65536 count=512 2>/dev/null
vmm_run run -k /firmware/flash.img $args -F /tmp/big.img
expect_error '--flash /tmp/big.img: 33554432 bytes; .* to 16 MiB'
expect_status 1
rm -f $img /tmp/empty.img /tmp/odd.img /tmp/big.img /tmp/flash.dtb /tmp/flash.probe
! on_vmm_ko || kmod_unload

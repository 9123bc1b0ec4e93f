# SPDX-License-Identifier: GPL-2.0
# bad-input.sh - every bad input gets a one-line error naming the problem
# and a non-zero status: no crash, no hang.
# modes: vhe
# timeout: 90
. /tests/lib.sh

echo "this is not a kernel" > /tmp/notakernel
vmm_run run -k /tmp/notakernel
expect_error 'kernel /tmp/notakernel: a text file, not a kernel$'
expect_status 1

# Files that are clearly not arm64 kernels: one line each, never a raw load.
# refused FILE REGEX: vmm refuses FILE as a kernel with REGEX, status 1.
refused() {
	vmm_run run -k "$1"
	expect_error "kernel $1: $2"
	expect_status 1
}
: > /tmp/empty
refused /tmp/empty 'the file is empty$'
refused /bin/busybox 'an ELF vmlinux: boot arch/arm64/boot/Image$'
{ dd if=/dev/zero bs=514 count=1 2>/dev/null; printf 'HdrS'; } > /tmp/bzImage
refused /tmp/bzImage 'an x86 bzImage, not an arm64 kernel$'
{ printf '\047\005\031\126'; dd if=/dev/zero bs=60 count=1 2>/dev/null; } > /tmp/uImage
refused /tmp/uImage 'a U-Boot uImage'
printf '\050\265\057\375zstd data' > /tmp/k.zst
refused /tmp/k.zst 'zstd-compressed: decompress it first'
printf '\3757zXZ\000xz data' > /tmp/k.xz
refused /tmp/k.xz 'xz-compressed: decompress it first'
printf '\004\042\115\030lz4 data' > /tmp/k.lz4
refused /tmp/k.lz4 'lz4-compressed: decompress it first'
printf 'BZh91AY&SY' > /tmp/k.bz2
refused /tmp/k.bz2 'bzip2-compressed: decompress it first'
{ printf 'MZ\000\000zimg\000\020\000\000\000\020\000\000'
  dd if=/dev/zero bs=8 count=1 2>/dev/null; printf 'zstd22'
  dd if=/dev/zero bs=8192 count=1 2>/dev/null; } > /tmp/zboot.efi
refused /tmp/zboot.efi 'an EFI zboot Image compressed with zstd22: vmm decompresses gzip only'
refused $GUEST_INITRD 'a cpio archive, not a kernel'
vmm_run run -k /firmware/psci.img --dtb /firmware/psci.img
expect_error '--dtb /firmware/psci.img: not a valid device tree blob: no 0xd00dfeed magic at its start'
vmm_run run -f /firmware/psci.img -k $GUEST_KERNEL
expect_error "--firmware /firmware/psci.img: vmm loads no kernel with a firmware; the firmware loads it"
expect_status 2
vmm_run run -k $GUEST_KERNEL --tty 0
expect_error "--tty: lkvm's option is not supported by vmm"
expect_status 2

vmm_run run -k /nonexistent
expect_error 'kernel /nonexistent: No such file or directory'

vmm_run run -k /tmp
expect_error 'kernel /tmp: not a regular file'

vmm_run run -k $GUEST_KERNEL -m 64 -i $GUEST_KERNEL
expect_error "initrd $GUEST_KERNEL: .*do not fit in RAM"
expect_status 1

vmm_run run -k $GUEST_KERNEL -c 0
expect_error '--cpus 0: a guest needs at least 1 CPU'
expect_status 2

vmm_run run -k $GUEST_KERNEL -c 1000
expect_error '--cpus 1000: the hypervisor allows at most [0-9]+ vCPUs'

vmm_run run -k $GUEST_KERNEL -m 12Q
expect_error '--mem 12Q: expected a size'
expect_status 2

vmm_run run -k $GUEST_KERNEL --frobnicate
expect_error '--frobnicate: unknown option'
expect_status 2

vmm_run run -k $GUEST_KERNEL --kvm-dev /nonexistent
expect_error '/nonexistent: no such device'
expect_status 1

vmm_run run -k $GUEST_KERNEL --kvm-dev /dev/null
expect_error '/dev/null: not a KVM device'

vmm_run run -k $GUEST_KERNEL -d /nonexistent.img
expect_error '--disk /nonexistent.img: No such file or directory'
expect_status 1

vmm_run run -k $GUEST_KERNEL -d /guest/disk.img,rw
expect_error "--disk /guest/disk.img,rw: unknown flag 'rw' \\(expected ro or direct\\)$"
expect_status 2

vmm_run run -k $GUEST_KERNEL -d /dev/null
expect_error '--disk /dev/null: not a disk image or a block device'
expect_status 1

: > /tmp/empty.img
vmm_run run -k $GUEST_KERNEL -d /tmp/empty.img
expect_error '--disk /tmp/empty.img: the image is smaller than one 512-byte sector'
expect_status 1

# NICs: a port forward that is none (at parse time), user networking
# without passt installed, a passt that is not there, a name that is no
# tap, and a tap another VM holds.
vmm_run run -k $GUEST_KERNEL -n mode=user,hostfwd=tcp:80
expect_error '--network mode=user,hostfwd=tcp:80: hostfwd must be tcp:HOSTPORT:GUESTPORT or udp:HOSTPORT:GUESTPORT, ports 1 to 65535$'
expect_status 2
path=$PATH
PATH=/bin	# the vmm, and no passt
vmm_run run -k $GUEST_KERNEL -n mode=user
PATH=$path
expect_error '--network mode=user: passt is not installed \(apt install passt\) or not on PATH$'
expect_status 1
vmm_run run -k $GUEST_KERNEL -n mode=passt,socket=/nonexistent.sock
expect_error '--network mode=passt,socket=/nonexistent.sock: cannot connect to passt at /nonexistent.sock: No such file or directory \(is passt running\? passt -s PATH\)$'
expect_status 1
load_host_modules
vmm_run run -k $GUEST_KERNEL -n mode=tap,tapif=lo
expect_error '--network mode=tap,tapif=lo: cannot attach to tap lo: Invalid argument \(is it a tap made without vnet_hdr, or not a tap\?\)$'
expect_status 1
vmm run -k /firmware/idle.img -c 1 -m 64 -p idle=forever -n mode=tap,tapif=held0 \
	--loglevel info < /dev/null > /tmp/tap-holder.out 2>&1 &
holder=$!
wait_for_output 'virtio-net eth0: tap held0' /tmp/tap-holder.out 30
vmm_run run -k $GUEST_KERNEL -n mode=tap,tapif=held0
expect_error '--network mode=tap,tapif=held0: cannot attach to tap held0: Device or resource busy \(another process has it\)$'
expect_status 1
kill $holder
wait $holder
# As an ordinary user (/dev/net/tun open to all, as udev leaves it on
# Debian): no new tap without CAP_NET_ADMIN
mode=$(stat -c %a /dev/kvm)
tun_mode=$(stat -c %a /dev/net/tun)
chmod 666 /dev/kvm /dev/net/tun
echo "+ (as tester) vmm run -k $GUEST_KERNEL -n mode=tap"
su -s /bin/sh tester -c "exec vmm run -k $GUEST_KERNEL -n mode=tap" < /dev/null > $out 2>&1
status=$?
chmod "$mode" /dev/kvm
chmod "$tun_mode" /dev/net/tun
cat $out
expect_error '--network mode=tap: cannot attach to tap \(new\): Operation not permitted \(it takes CAP_NET_ADMIN, or a tap made for you: ip tuntap add mode tap user \$USER vnet_hdr\)$'
expect_status 1
# vhost=on without vhost-net (the device node out of the way)
mv /dev/vhost-net /dev/vhost-net.away
vmm_run run -k $GUEST_KERNEL -n mode=tap,vhost=on
mv /dev/vhost-net.away /dev/vhost-net
expect_error '--network mode=tap,vhost=on: /dev/vhost-net: No such file or directory \(load the vhost_net module\)$'
expect_status 1

# Shares: no tag, a directory that is not there or is a file, an unknown
# flag.
vmm_run run -k $GUEST_KERNEL --9p /tmp
expect_error '--9p /tmp: expected <host dir>,<tag>\[,ro\]$'
expect_status 2
vmm_run run -k $GUEST_KERNEL --9p /nonexistent,share,ro
expect_error '--9p /nonexistent,share,ro: /nonexistent: No such file or directory$'
expect_status 1
vmm_run run -k $GUEST_KERNEL --9p /etc/passwd,share,ro
expect_error '--9p /etc/passwd,share,ro: /etc/passwd: Not a directory$'
vmm_run run -k $GUEST_KERNEL --9p /tmp,share,rw
expect_error "--9p /tmp,share,rw: unknown flag 'rw' \\(expected ro\\)$"
expect_status 2

# Another VM holds the image (an idle payload that never ends): refused,
# read-write or read-only, never shared.
cp /guest/disk.img /tmp/locked.img
vmm run -k /firmware/idle.img -c 1 -m 64 -p idle=forever -d /tmp/locked.img \
	--loglevel info < /dev/null > /tmp/holder.out 2>&1 &
holder=$!
wait_for_output 'virtio-blk vda: /tmp/locked.img' /tmp/holder.out 30
vmm_run run -k $GUEST_KERNEL -d /tmp/locked.img
expect_error '--disk /tmp/locked.img: the image is in use: another VM \(or another --disk\) holds its lock$'
expect_status 1
vmm_run run -k $GUEST_KERNEL -d /tmp/locked.img,ro
expect_error '--disk /tmp/locked.img,ro: the image is in use'
expect_status 1
kill $holder
wait $holder
st=$?
[ $st = 143 ] || { cat /tmp/holder.out; fail "the VM holding the image ended with status $st on SIGTERM, not 143"; }
rm -f /tmp/locked.img /tmp/empty.img

vmm_run run -k $GUEST_KERNEL --dump-dtb /nonexistent/dir/x.dtb
expect_error '--dump-dtb /nonexistent/dir/x.dtb: No such file or directory'

# --console-log where no file can be made, --timeout that is no duration
vmm_run run -k /firmware/idle.img --console-log /nonexistent/dir/c.log
expect_error '--console-log /nonexistent/dir/c.log: No such file or directory$'
expect_status 1
vmm_run run -k /firmware/idle.img --timeout 5x
expect_error '--timeout 5x: expected a duration'
expect_status 2

vmm_run frobnicate
expect_error "'frobnicate' is not a vmm command"
expect_status 2
echo "all bad inputs refused"

# QEMU's GICv3 has no GICv2 compatibility interface: a clear refusal.
vmm_run run -k $GUEST_KERNEL --irqchip gicv2
expect_error '--irqchip gicv2: the hypervisor cannot emulate a GICv2 on this host'
expect_status 1

# SPDX-License-Identifier: GPL-2.0
# boot-hostfs.sh - lkvm's boot without a disk: `vmm run -k Image` and
# nothing to mount boots the guest's root from a directory in the user's
# state dir over 9p, with L1's / at /host, read-only.  The vmm finds the
# guest kernel's 9p and virtio modules in L1's /lib/modules/<release> (no
# modules.dep there: it reads their own dependencies) and puts them and
# itself (as /init) in the initramfs it writes.  The root's
# /virt/sandbox.sh runs; the guest powers off after it.  Then --root, made
# from nothing, with no script: a shell on the console, which the test
# talks to; and --root with --initrd, and with a kernel that is not Linux:
# refused.
# modes: vhe
# timeout: 180
. /tests/lib.sh

export HOME=/tmp/home
rm -rf $HOME /tmp/from-guest && mkdir -p $HOME
root=$HOME/.local/state/vmm/default
mkdir -p $root/virt
echo "a file on L1" > /tmp/l1-file.txt
cat > $root/virt/sandbox.sh <<'SH'
echo "sandbox-host: $(cat /host/tmp/l1-file.txt)"
echo "sandbox-root: $(ls / | tr '\n' ' ')"
echo "sandbox-mounts: $(grep ' 9p ' /proc/mounts | cut -d' ' -f1,2 | tr '\n' ';')"
if echo x > /host/tmp/from-guest 2> /dev/null; then
	echo "sandbox-hostwrite: accepted"
else
	echo "sandbox-hostwrite: refused"
fi
echo "written in the guest's root" > /tmp/in-root.txt && echo "sandbox-wrote"
echo "sandbox-pid1: $(cat /proc/1/cmdline | tr '\0' ' ')"
SH
vmm_run run -k $GUEST_KERNEL -c 1 -m 256 -n mode=none --loglevel info -p quiet
expect_status 0
expect_output "^vmm: boot without a disk: the guest's root is $root over 9p, the host's / at /host \\(read-only\\)\$" "the mode, said"
expect_output "^vmm: boot without a disk: [0-9]+ modules from /lib/modules/.* in the initramfs\$" "the modules"
expect_output '^vmm: virtio-9p /dev/root: .*, read-write$' "the root share"
expect_output '^vmm: virtio-9p hostfs: /, read-only$' "the host's /"
expect_output '^sandbox-host: a file on L1$' "L1's file at /host"
# a link to each of the host's bin, lib, lib64, sbin, usr that exists: L1
# has /usr (gdb's), no /lib64 or /sbin
usr=; [ -d /usr ] && usr="usr "
expect_output "^sandbox-root: bin dev etc host lib mnt proc root run sys tmp ${usr}var virt \$" "the root's skeleton"
expect_output '^sandbox-mounts: /dev/root /;hostfs /host;$' "the two 9p mounts"
expect_output '^sandbox-hostwrite: refused$' "a write to the host's /"
[ ! -e /tmp/from-guest ] || fail "the guest wrote to L1's /"
expect_output '^sandbox-wrote$' "a write to the guest's root"
[ "$(cat $root/tmp/in-root.txt)" = "written in the guest's root" ] ||
	fail "the guest's file is not in $root/tmp"
[ "$(readlink $root/bin)" = /host/bin ] || fail "$root/bin: $(readlink $root/bin)"
[ "$(readlink $root/etc/passwd)" = /host/etc/passwd ] || fail "$root/etc/passwd: $(readlink $root/etc/passwd)"
expect_output '^sandbox-pid1: /init' "the vmm as the guest's init"

# --root, made from nothing, and no sandbox script: a shell on the console
# (commands sent until it answers: what arrives before it reads is lost)
rm -rf /tmp/myroot /tmp/shell.raw && mkfifo /tmp/shell.in
vmm run -k $GUEST_KERNEL -c 1 -m 256 -n mode=none --root /tmp/myroot -p quiet \
	< /tmp/shell.in > /tmp/shell.raw 2>&1 &
pid=$!
exec 3> /tmp/shell.in
i=0
until grep -q '^shell-says-42' /tmp/shell.raw 2> /dev/null; do
	i=$((i + 1))
	[ $i -le 90 ] || fail "no answer from the guest's shell in 90 s: $(tail -n 3 /tmp/shell.raw)"
	echo 'echo shell-says-$((6 * 7)) $(cat /proc/1/cmdline) $(ls -d /host/tests)' >&3
	sleep 1
done
echo 'touch /root/was-here; exit' >&3
wait $pid
status=$?
exec 3>&-
rm -f /tmp/shell.in
out=/tmp/shell.out
tr -d '\r' < /tmp/shell.raw > $out
cat $out
expect_status 0 "the vmm, after the shell's exit"
expect_output '^shell-says-42 /init /host/tests' "the shell, with L1's / at /host"
[ -e /tmp/myroot/root/was-here ] || fail "the shell's file is not in /tmp/myroot/root"
[ "$(readlink /tmp/myroot/bin)" = /host/bin ] || fail "/tmp/myroot was not given its links"

# the host's / not shared: a new root has no shell (its /bin is a link
# into /host), and that is a failed boot, said at once
vmm_run run -k $GUEST_KERNEL -c 1 -m 256 -n mode=none --root /tmp/noshell --hostfs none -p quiet
expect_status 3 "a boot without a shell"
expect_output '^vmm-init: cannot run /bin/sh: No such file or directory \(the root has no shell: is the host.s / shared\?\)' "the reason"
grep -q 'hostfs' $out && fail "--hostfs none: the vmm or the guest still tried the host's /"

vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD --root /tmp/elsewhere
expect_error '--root builds the guest.s initramfs: drop --initrd$'
expect_status 1
vmm_run run -k $GUEST_KERNEL --root /
expect_error "boot without a disk: the guest's root must be a directory of its own, not /$"
expect_status 1
vmm_run run -k /firmware/psci.img --root /tmp/elsewhere
expect_error '--root /tmp/elsewhere: the kernel /firmware/psci.img is not a Linux kernel'
expect_status 1
[ ! -e /tmp/elsewhere ] || fail "a refused --root made its directory"
vmm_run run -k $GUEST_KERNEL --hostfs maybe
expect_error "--hostfs maybe: expected ro, rw or none$"
expect_status 2
! on_vmm_ko || expect_no_vm_left 5
echo "boot without a disk: ok"

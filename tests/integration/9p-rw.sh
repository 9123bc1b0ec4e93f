# SPDX-License-Identifier: GPL-2.0
# 9p-rw.sh - a host directory shared read-write over virtio-9p, the vmm run
# by an ordinary user (tester): the guest reads what L1 wrote and changes
# the share; L1 then sees every change, each new file tester's (the guest's
# chown changes nothing), no setuid bit, no device node, and nothing written
# outside the share through a symlink.
# modes: vhe
# timeout: 120
. /tests/lib.sh

rm -rf /tmp/rw && mkdir -p /tmp/rw/share
echo "hello from L1" > /tmp/rw/share/from-host.txt
ln -s /etc /tmp/rw/share/out
chown -R tester:tester /tmp/rw/share
dev=/dev/kvm
! on_vmm_ko || { kmod_load; dev=/dev/vmm; }
mode=$(stat -c %a $dev)
trap 'chmod $mode $dev' EXIT
chmod 666 $dev
ulimit -l unlimited
su -s /bin/sh tester -c "exec vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -n mode=none \
	--loglevel info --9p /tmp/rw/share,rwshare -p 'quiet vmmtest=9prw'" \
	< /dev/null > /tmp/rw.raw 2>&1
status=$?
out=/tmp/rw.out
tr -d '\r' < /tmp/rw.raw > $out
cat $out
expect_status 0
expect_output '^vmm: virtio-9p rwshare: /tmp/rw/share, read-write$' "the share"
expect_output '^guest-9prw-mounted$' "the mount"
expect_output '^guest-9prw-read: hello from L1$' "a file L1 wrote"
s=/tmp/rw/share
[ "$(cat $s/from-guest.txt)" = "written by the guest
and appended" ] || fail "from-guest.txt: '$(cat $s/from-guest.txt)'"
[ "$(stat -c %U:%G $s/from-guest.txt)" = tester:tester ] ||
	fail "from-guest.txt is $(stat -c %U:%G $s/from-guest.txt)'s, not tester's"
[ "$(stat -c %U $s/moved/deeper)" = tester ] || fail "a directory the guest made is not tester's"
expect_output "^guest-9prw-noise: $(md5sum < $s/noise.bin | cut -d' ' -f1)\$" "1 MiB the guest wrote, as L1 reads it"
[ "$(stat -c %s $s/noise.bin)" = 1048576 ] || fail "noise.bin: $(stat -c %s $s/noise.bin) bytes"
[ "$(cat $s/trunc.txt)" = 0123 ] || fail "trunc.txt: '$(cat $s/trunc.txt)'"
[ "$(cat $s/new-name)" = before ] && [ ! -e $s/old-name ] || fail "the rename"
expect_output '^guest-9prw-moved: deep$' "a directory renamed with what is in it"
[ "$(cat $s/moved/deeper/file)" = deep ] || fail "moved/deeper/file"
[ "$(readlink $s/link)" = ../outside ] || fail "the guest's symlink: '$(readlink $s/link)'"
expect_output '^guest-9prw-nlink: 2$' "a hard link"
[ "$(stat -c %i $s/hard)" = "$(stat -c %i $s/new-name)" ] || fail "the hard link is another file"
expect_output '^guest-9prw-suid: 755$' "chmod 6755 without setuid and setgid"
[ "$(stat -c %a $s/suid)" = 755 ] || fail "suid's mode on L1: $(stat -c %a $s/suid)"
expect_output '^guest-9prw-chown: accepted, 1000$' "chown, accepted and ignored"
[ "$(stat -c %U $s/suid)" = tester ] || fail "the guest's chown reached L1"
expect_output '^guest-9prw-mknod: refused$' "mknod and mkfifo"
[ ! -e $s/null ] && [ ! -e $s/fifo ] || fail "a device node or FIFO in the share"
expect_output '^guest-9prw-removed$' "unlink and rmdir"
[ ! -e $s/gone ] && [ ! -e $s/gonedir ] || fail "the removed file is on L1"
expect_output '^guest-9prw-through-link: guest$' "a write through a link, in the guest's /etc"
[ ! -e /etc/written-through-link ] || fail "the guest wrote to L1's /etc"
[ -z "$(find /tmp/rw -path $s -prune -o -newer $s/from-host.txt -print)" ] ||
	fail "something changed outside the share"
expect_output '^guest-9prw-unmounted$' "the unmount"
! on_vmm_ko || expect_no_vm_left 5
echo "a read-write share: ok"

# SPDX-License-Identifier: GPL-2.0
# 9p.sh - a host directory shared read-only over virtio-9p: the guest
# reads a tree L1 wrote (a file, one deeper, 1 MiB of noise), lists it,
# sees a symlink to L1's /etc as a link it resolves in its own tree, cannot
# open a FIFO, cannot write, and ".." at the share's root is its own /.
# modes: vhe vhe-none
# timeout: 120
. /tests/lib.sh

rm -rf /tmp/share
mkdir -p /tmp/share/sub/deeper
echo "hello from L1" > /tmp/share/hello.txt
echo "three levels down" > /tmp/share/sub/deeper/deep.txt
dd if=/dev/urandom of=/tmp/share/big.bin bs=64k count=16 2> /dev/null
want=$(md5sum < /tmp/share/big.bin | cut -d' ' -f1)
ln -s /etc /tmp/share/out
mkfifo /tmp/share/fifo
# mounts below the share: a tmpfs is entered, L1's /proc is not
mkdir -p /tmp/share/tmpfs /tmp/share/proc
mount -t tmpfs none /tmp/share/tmpfs
echo "on a tmpfs below the share" > /tmp/share/tmpfs/note.txt
mount --bind /proc /tmp/share/proc
trap 'umount /tmp/share/tmpfs /tmp/share/proc' EXIT
vmm_run run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 -n mode=none \
	--loglevel info --9p /tmp/share,hostshare,ro -p "quiet vmmtest=9p"
expect_status 0
expect_output '^vmm: virtio-9p hostshare: /tmp/share, read-only$' "the share"
expect_output '^guest-9p-mounted$' "the mount"
expect_output '^guest-9p-read: hello from L1$' "a file L1 wrote"
expect_output '^guest-9p-deep: three levels down$' "a file further down"
expect_output "^guest-9p-big: $want 1048576\$" "1 MiB of noise"
expect_output '^guest-9p-list: \. \.\. big\.bin fifo hello\.txt out sub tmpfs $' "the listing (/proc's mount point cannot even be stat'ed)"
expect_output '^guest-9p-mount: on a tmpfs below the share$' "a tmpfs mounted below the share"
expect_output '^guest-9p-proc: refused$' "L1's /proc mounted below the share"
# the link's target is the guest's own /etc (its initramfs has modules
# lists there, and no passwd as L1's /etc has)
expect_output '^guest-9p-link: /etc -> .*modules' "the symlink, resolved by the guest"
grep -q '^guest-9p-link:.*passwd' $out && fail "the guest saw L1's /etc"
expect_output '^guest-9p-up: .*init' "the guest's own / above the mount"
expect_output '^guest-9p-fifo: refused$' "the FIFO"
expect_output '^guest-9p-write: refused$' "a write to the read-only share"
[ ! -e /tmp/share/new.txt ] || fail "the guest wrote to the read-only share"
expect_output '^guest-9p-unmounted$' "the unmount"
! on_vmm_ko || expect_no_vm_left 5
echo "a read-only share: ok"

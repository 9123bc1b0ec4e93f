# SPDX-License-Identifier: GPL-2.0
# virtio-durability.sh - a write the guest saw flushed is on stable storage.
# The disk is a device-mapper log-writes device, which logs each write
# only once a flush covers it: the guest writes record N to sector N,
# fsyncs, prints N; the vmm is killed mid-stream; the log replayed up to
# its last flush must hold every record the guest printed.  (A plain
# SIGKILL test would pass without any fdatasync: L1's page cache keeps
# the writes.  With flushes made no-ops this test fails.)
# modes: vhe
# timeout: 200
. /tests/lib.sh

load_host_modules
dd if=/dev/zero of=/tmp/data.img bs=1M count=4 2>/dev/null
dd if=/dev/zero of=/tmp/log.img bs=1M count=32 2>/dev/null
data=$(losetup -f) && losetup "$data" /tmp/data.img || fail "losetup /tmp/data.img"
log=$(losetup -f) && losetup "$log" /tmp/log.img || fail "losetup /tmp/log.img"
dm=$(dm-log create vmmlog "$data" "$log") || fail "cannot create the log-writes device"
echo "disk: $dm (log-writes over $data, logging to $log)"

vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 1 -m 256 --loglevel info \
	-p "quiet vmmtest=records" -d "$dm" < /dev/null > /tmp/rec.raw 2>&1 &
pid=$!
wait_for_output '^guest-record: 30' /tmp/rec.raw 120
kill -9 $pid
wait $pid
status=$?
tr -d '\r' < /tmp/rec.raw > /tmp/rec.out
tail -n 3 /tmp/rec.out
expect_status 137 "vmm after SIGKILL"
# a block device: its transfers and flushes go through io_uring
grep -q "^vmm: virtio-blk vda: $dm, .*transfers through io_uring" /tmp/rec.out ||
	fail "the block device's transfers do not go through io_uring"

# the killed vmm's io_uring holds the device until the kernel has torn
# the ring down, its writes in flight done (the image's lock lasts as long)
wait_until 10 dm-log remove vmmlog || fail "cannot remove the log-writes device"
dd if=/dev/zero of=/tmp/replay.img bs=1M count=4 2>/dev/null
dm-log replay "$log" /tmp/replay.img || fail "cannot replay the log"
n=0
for i in $(sed -n 's/^guest-record: //p' /tmp/rec.out); do
	dd if=/tmp/replay.img bs=512 skip="$i" count=1 2>/dev/null |
		grep -q "^record-$i\$" ||
		fail "record $i was printed after its fsync returned, but is not on the disk at the last flush"
	n=$((n + 1))
done
[ "$n" -ge 30 ] || fail "only $n records printed"
echo "all $n records the guest saw flushed are in the log before its last flush"
losetup -d "$data"
losetup -d "$log"
rm -f /tmp/data.img /tmp/log.img /tmp/replay.img

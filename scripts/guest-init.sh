#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# guest-init.sh - /init of the L2 guest initramfs (busybox + virtio modules).
#
# The kernel passes unknown key=value parameters to init as environment
# variables; `vmmtest=<action>` picks what the guest does:
#   (unset)   an interactive shell; the guest powers off when it exits
#   info      print what tests check (CPUs online, memory, the ITS), then power off
#   poweroff  power off at once      reboot   reset at once
#   boottime  print /proc/uptime as /init starts, then power off
#   clock     print /proc/uptime, sleep 5 s, print it again, power off
#   busy      keep every CPU busy for 10 s of uptime, say how much each did
#   dmesg     print the kernel's log (timestamps show where a boot went)
#   panic     crash the kernel (sysrq c)
#   blkbench  time (guest /proc/uptime) dd on /dev/vda with O_DIRECT:
#             256 MiB read and written in 1 MiB blocks, 16384 4 KiB reads
#             and writes; "guest-blkbench: NAME START END" each
#   records   the durability test's side: write record N to sector N of
#             /dev/vda and fsync it, then say "guest-record: N", for N
#             from 1 until the vmm is killed
#   virtio    the virtio tests' side: list the virtio disks, mount /dev/vda
#             (ext4), read from-host.txt, write from-guest.txt, try to write
#             /dev/vdb (given read-only), read /dev/hwrng, power off
#   netbench  eth0 is vmmip/24 (default 10.0.1.2, MTU vmmmtu if given) and
#             the host vmmpeer (default 10.0.1.1, the default route; it runs
#             tcp-bench's server on port 5002): "guest-netbench:
#             ping_avg_ms MS" over 50 back-to-back pings (not with
#             vmmping=no), then three rounds of "guest-netbench: rr_us US"
#             (1000 one-byte request/responses on one connection) and
#             "guest-netbench: tx_mib_s RATE" (64 MiB sent)
#   user      user networking (passt): eth0 by DHCP ("guest-dhcp: ..."),
#             resolve vmmname and nowhere.vmm.test ("guest-dns: NAME ..."),
#             fetch http://GATEWAY:8080/blob ("guest-fetched: MD5 BYTES"),
#             then answer one connection on port 8000 with a line
#             "hello from the guest" ("guest-listening: 8000" first)
#   9p        mount the share tagged hostshare (read-only) on /mnt and say
#             what the guest sees: "guest-9p-...: " lines for a file, one
#             deeper, a big one's md5, the listing, a symlink out of the
#             share (the guest resolves it in its own tree), a tmpfs and
#             /proc mounted below the share, a FIFO, a write (refused), then
#             power off
#   9prw      mount the share tagged rwshare (read-write) on /mnt and change
#             it: write, append, truncate, mkdir, rename, symlink, hard link,
#             chmod u+s (dropped), chown (ignored), mknod (refused), remove;
#             write through a symlink out of the share (lands in the guest's
#             own tree); "guest-9prw-...: " lines say what it saw
#   powerkey  load gpio_keys and evdev, run powerkey (the power button's
#             handler: "guest-powerkey: ready", then on a press
#             "guest-powerkey: pressed" and a poweroff) and wait
#   9pbench   mount the share tagged bench9 and time (guest /proc/uptime)
#             reading its 64 MiB big.bin, reading every file of tree/ (1000
#             of 4 KiB) and stat'ing them all (ls -lR), writing 64 MiB
#             (fsync'ed), writing a copy of tree/ (tar) and removing both:
#             "guest-9pbench: NAME START END" each
#   net       give eth0 address vmmip/24, ping vmmpeer until it answers (60
#             tries); with vmmrole=send send it 4 MiB of noise over TCP
#             (port 5001), with vmmrole=recv take them, each printing the
#             bytes' md5 and count; stay vmmlinger seconds (default 5) for
#             the peer's pings, power off
#   gdb       the GDB stub tests' side: "guest-sym: NAME 0xADDRESS" from
#             /proc/kallsyms for do_sys_openat2, __arm64_sys_openat,
#             __arm64_sys_getpid and start_kernel ("missing" if absent; boot with nokaslr
#             and they are the same each boot), then "gdb-ready"; keeps
#             them called (cat /proc/version, sh -c :, in a loop) until a
#             line arrives on the console (stdin: the vmm's), then says
#             "gdb-guest-done" and powers off; with vmmkprobe=1 a kprobe
#             on __arm64_sys_openat counts meanwhile ("guest-kprobe-hits:
#             N" at the end)
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
[ "${vmmtest:-}" != boottime ] ||
	echo "guest-uptime-at-init: $(cut -d' ' -f1 /proc/uptime)"

# Modules in dependency order, as the test bed listed them.
while read -r m; do
	insmod "/lib/modules/$m" 2>/dev/null || echo "guest-init: insmod $m failed"
done < /etc/modules

# Modules only some tests need (ext4): loaded on demand.
load_extra() {
	while read -r m; do
		insmod "/lib/modules/$m" 2>/dev/null || echo "guest-init: insmod $m failed"
	done < /etc/modules-extra
}

case "${vmmtest:-}" in
blkbench)
	bench() {
		name=$1
		shift
		t0=$(cut -d' ' -f1 /proc/uptime)
		dd "$@" 2>/dev/null || echo "guest-blkbench-failed: $name"
		echo "guest-blkbench: $name $t0 $(cut -d' ' -f1 /proc/uptime)"
	}
	bench read_1m if=/dev/vda of=/dev/null bs=1M count=256 iflag=direct
	bench write_1m if=/dev/zero of=/dev/vda bs=1M count=256 oflag=direct
	bench read_4k if=/dev/vda of=/dev/null bs=4k count=16384 iflag=direct
	bench write_4k if=/dev/zero of=/dev/vda bs=4k count=16384 oflag=direct
	poweroff -f ;;
records)
	n=1
	while :; do
		printf 'record-%d\n' $n |
			dd of=/dev/vda bs=512 seek=$n count=1 conv=sync,fsync 2>/dev/null ||
			{ echo "guest-record-failed: $n"; poweroff -f; }
		echo "guest-record: $n"
		n=$((n + 1))
	done ;;
virtio)
	load_extra
	echo "guest-disks: $(ls /sys/block | grep '^vd' | tr '\n' ' ')"
	for d in /sys/block/vd*; do
		echo "guest-disk: ${d##*/} $(cat "$d/size") sectors, ro=$(cat "$d/ro"), serial=$(cat "$d/serial" 2>/dev/null)"
	done
	mount -t ext4 /dev/vda /mnt && echo "guest-mounted: /dev/vda"
	echo "guest-read: $(cat /mnt/from-host.txt)"
	echo "written by the guest" > /mnt/from-guest.txt
	sync
	umount /mnt && echo "guest-unmounted"
	if [ -e /dev/vdb ]; then
		if dd if=/dev/zero of=/dev/vdb bs=4096 count=1 oflag=direct 2>/dev/null; then
			echo "guest-vdb-write: accepted"
		else
			echo "guest-vdb-write: refused"
		fi
	fi
	echo "guest-hwrng-current: $(cat /sys/class/misc/hw_random/rng_current)"
	echo "guest-hwrng-bytes: $(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')"
	# each virtio interrupt: its chip, number, trigger and name, less the counts
	grep virtio /proc/interrupts | sed 's/^ *[0-9]*:\( *[0-9]*\)* */guest-virtio-irq: /'
	poweroff -f ;;
netbench)
	peer=${vmmpeer:-10.0.1.1}
	ip addr add "${vmmip:-10.0.1.2}/24" dev eth0 && ip link set eth0 up
	[ -z "${vmmmtu:-}" ] || ip link set eth0 mtu "$vmmmtu"
	ip route add default via "$peer"
	if [ "${vmmping:-}" != no ]; then
		i=0
		while [ $i -lt 60 ] && ! ping -c 1 -W 1 "$peer" > /dev/null 2>&1; do
			i=$((i + 1))
		done
		ping -c 50 -A -q "$peer" |
			sed -n 's|^round-trip min/avg/max = [0-9.]*/\([0-9.]*\)/.*|guest-netbench: ping_avg_ms \1|p'
	fi
	i=0
	while [ $i -lt 60 ] && ! tcp-bench rr "$peer" 5002 1 > /dev/null 2>&1; do
		i=$((i + 1))
		sleep 1
	done
	for round in 1 2 3; do
		tcp-bench rr "$peer" 5002 1000 | sed 's/^/guest-netbench: /'
		tcp-bench tx "$peer" 5002 64 | sed 's/^/guest-netbench: /'
	done
	echo "guest-netbench: eth0 $(cat /sys/class/net/eth0/statistics/tx_packets) packets out, $(cat /sys/class/net/eth0/statistics/rx_packets) in"
	poweroff -f ;;
9p)
	mount -t 9p -o trans=virtio,version=9p2000.L hostshare /mnt &&
		echo "guest-9p-mounted"
	echo "guest-9p-read: $(cat /mnt/hello.txt)"
	echo "guest-9p-deep: $(cat /mnt/sub/deeper/deep.txt)"
	echo "guest-9p-big: $(md5sum < /mnt/big.bin | cut -d' ' -f1) $(wc -c < /mnt/big.bin)"
	echo "guest-9p-list: $(ls -a /mnt | tr '\n' ' ')"
	echo "guest-9p-link: $(readlink /mnt/out) -> $(ls /mnt/out/ | tr '\n' ' ')"
	echo "guest-9p-up: $(ls /mnt/.. | tr '\n' ' ')"
	echo "guest-9p-mount: $(cat /mnt/tmpfs/note.txt)"
	if ls /mnt/proc/self/ > /dev/null 2>&1 || cat /mnt/proc/version > /dev/null 2>&1; then
		echo "guest-9p-proc: entered"
	else
		echo "guest-9p-proc: refused"
	fi
	if timeout 5 cat /mnt/fifo > /dev/null 2>&1; then
		echo "guest-9p-fifo: opened"
	else
		echo "guest-9p-fifo: refused"
	fi
	if echo x > /mnt/new.txt 2>/dev/null; then
		echo "guest-9p-write: accepted"
	else
		echo "guest-9p-write: refused"
	fi
	umount /mnt && echo "guest-9p-unmounted"
	poweroff -f ;;
9prw)
	mount -t 9p -o trans=virtio,version=9p2000.L rwshare /mnt &&
		echo "guest-9prw-mounted"
	echo "guest-9prw-read: $(cat /mnt/from-host.txt)"
	echo "written by the guest" > /mnt/from-guest.txt
	echo "and appended" >> /mnt/from-guest.txt
	mkdir -p /mnt/made/deeper && echo deep > /mnt/made/deeper/file
	dd if=/dev/urandom of=/mnt/noise.bin bs=64k count=16 2> /dev/null
	echo "guest-9prw-noise: $(md5sum < /mnt/noise.bin | cut -d' ' -f1)"
	echo "0123456789" > /mnt/trunc.txt && truncate -s 4 /mnt/trunc.txt
	echo "before" > /mnt/old-name && mv /mnt/old-name /mnt/new-name
	mv /mnt/made /mnt/moved && echo "guest-9prw-moved: $(cat /mnt/moved/deeper/file)"
	ln -s ../outside /mnt/link && ln /mnt/new-name /mnt/hard
	echo "guest-9prw-nlink: $(stat -c %h /mnt/new-name)"
	echo "#!/bin/sh" > /mnt/suid && chmod 6755 /mnt/suid
	echo "guest-9prw-suid: $(stat -c %a /mnt/suid)"
	if chown 4321:4321 /mnt/suid 2> /dev/null; then
		echo "guest-9prw-chown: accepted, $(stat -c %u /mnt/suid)"
	else
		echo "guest-9prw-chown: refused"
	fi
	if mknod /mnt/null c 1 3 2> /dev/null || mkfifo /mnt/fifo 2> /dev/null; then
		echo "guest-9prw-mknod: made"
	else
		echo "guest-9prw-mknod: refused"
	fi
	echo gone > /mnt/gone && rm /mnt/gone && mkdir /mnt/gonedir && rmdir /mnt/gonedir
	[ -e /mnt/gone ] || [ -e /mnt/gonedir ] || echo "guest-9prw-removed"
	# the share's "out" is a link to /etc: the guest follows it into its own
	echo "guest" > /mnt/out/written-through-link 2> /dev/null
	echo "guest-9prw-through-link: $(cat /etc/written-through-link 2> /dev/null)"
	sync
	echo "guest-9prw-list: $(ls /mnt | tr '\n' ' ')"
	umount /mnt && echo "guest-9prw-unmounted"
	poweroff -f ;;
powerkey)
	load_extra
	exec powerkey ;;
9pbench)
	mount -t 9p -o trans=virtio,version=9p2000.L bench9 /mnt ||
		echo "guest-9pbench-failed: mount"
	bench() {
		name=$1
		shift
		t0=$(cut -d' ' -f1 /proc/uptime)
		sh -c "$*" > /dev/null 2>&1 || echo "guest-9pbench-failed: $name"
		echo "guest-9pbench: $name $t0 $(cut -d' ' -f1 /proc/uptime)"
	}
	bench read_64m "cat /mnt/big.bin"
	bench tree_read "find /mnt/tree -type f | xargs cat"
	bench tree_stat "ls -lR /mnt/tree"
	mkdir -p /tmp && tar -C /mnt/tree -cf /tmp/tree.tar .
	bench write_64m "dd if=/dev/zero of=/mnt/out.bin bs=1M count=64 conv=fsync"
	bench tree_write "mkdir /mnt/wtree && tar -C /mnt/wtree -xf /tmp/tree.tar"
	bench tree_rm "rm -r /mnt/wtree /mnt/out.bin"
	poweroff -f ;;
user)
	mkdir -p /tmp
	cat > /tmp/dhcp.sh <<-'EOF'
	#!/bin/sh
	# udhcpc's script: the lease's address, route, MTU and resolver
	case $1 in
	bound|renew)
		ip addr add "$ip/$mask" dev "$interface"
		[ -z "$mtu" ] || ip link set "$interface" mtu "$mtu"
		for r in $router; do ip route add default via "$r" dev "$interface"; break; done
		for d in $dns; do echo "nameserver $d"; done > /etc/resolv.conf
		echo "guest-dhcp: $ip/$mask router $router dns $dns mtu $mtu" > /tmp/lease ;;
	esac
	EOF
	chmod +x /tmp/dhcp.sh
	ip link set eth0 up
	udhcpc -i eth0 -s /tmp/dhcp.sh -f -q -n -t 10 -T 1 > /dev/null 2>&1 &&
		cat /tmp/lease || echo "guest-dhcp: no lease"
	for name in "${vmmname:-files.vmm.test}" nowhere.vmm.test; do
		if a=$(nslookup "$name" 2>&1); then
			echo "guest-dns: $name $(echo "$a" | sed -n 's/^Address: *//p' | tail -n 1)"
		else
			echo "guest-dns: $name unresolved"
		fi
	done
	gw=$(ip route | sed -n 's/^default via \([0-9.]*\).*/\1/p')
	if wget -q -O /tmp/blob "http://$gw:8080/blob"; then
		echo "guest-fetched: $(md5sum < /tmp/blob | cut -d' ' -f1) $(wc -c < /tmp/blob)"
	else
		echo "guest-fetched: nothing from $gw"
	fi
	echo "guest-listening: 8000"
	timeout 60 nc -l -p 8000 -e echo "hello from the guest"
	poweroff -f ;;
net)
	echo "guest-net-mac: $(cat /sys/class/net/eth0/address 2>/dev/null)"
	ip addr add "$vmmip/24" dev eth0 && ip link set eth0 up &&
		echo "guest-net-up: $vmmip"
	i=0
	while [ $i -lt 60 ] && ! ping -c 1 -W 1 "$vmmpeer" > /dev/null 2>&1; do
		i=$((i + 1))
	done
	if [ $i -lt 60 ]; then
		echo "guest-ping: $vmmpeer answers"
	else
		echo "guest-ping: $vmmpeer unreachable"
	fi
	mkdir -p /tmp
	case "${vmmrole:-}" in
	send)	# 4 MiB of noise over TCP to the peer's port 5001
		dd if=/dev/urandom of=/tmp/blob bs=64k count=64 2>/dev/null
		i=0
		until nc "$vmmpeer" 5001 < /tmp/blob 2> /dev/null; do
			i=$((i + 1))
			[ $i -lt 60 ] || break
			sleep 1
		done
		echo "guest-sent: $(md5sum < /tmp/blob | cut -d' ' -f1) $(wc -c < /tmp/blob)" ;;
	recv)	# stdin is the console: nc never sees its end, so never half-closes
		nc -l -p 5001 > /tmp/got
		echo "guest-received: $(md5sum < /tmp/got | cut -d' ' -f1) $(wc -c < /tmp/got)" ;;
	esac
	sleep "${vmmlinger:-5}"
	poweroff -f ;;
gdb)
	# root reads real addresses unless kptr_restrict says otherwise
	echo 0 > /proc/sys/kernel/kptr_restrict 2> /dev/null
	for s in do_sys_openat2 __arm64_sys_openat __arm64_sys_getpid start_kernel; do
		a=$(sed -n "s/^\([0-9a-f]*\) [tT] $s\$/\1/p" /proc/kallsyms | head -n 1)
		echo "guest-sym: $s $([ -n "$a" ] && echo "0x$a" || echo missing)"
	done
	# the guest's own BRKs: a kprobe (BRK #4, then #6 after the stepped
	# copy) on every openat, which a debugger's stub must give back
	kp=/sys/kernel/tracing
	if [ -n "${vmmkprobe:-}" ]; then
		mount -t tracefs nodev $kp &&
		echo 'p:vmmkp __arm64_sys_openat' > $kp/kprobe_events &&
		echo 1 > $kp/events/kprobes/vmmkp/enable &&
		echo "guest-kprobe: on __arm64_sys_openat"
	fi
	# cat opens a file (openat); a new ash asks for its pid (getpid)
	(while :; do cat /proc/version > /dev/null; sh -c :; done) &
	busy=$!
	echo "gdb-ready"
	read -r _
	kill $busy
	[ -z "${vmmkprobe:-}" ] ||
		echo "guest-kprobe-hits: $(awk '$1 == "vmmkp" { print $2 }' $kp/kprobe_profile)"
	echo "gdb-guest-done"
	poweroff -f ;;
info)
	echo "guest-cpus-online: $(cat /sys/devices/system/cpu/online)"
	echo "guest-nproc: $(grep -c ^processor /proc/cpuinfo)"
	echo "guest-memtotal: $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
	echo "guest-cmdline: $(cat /proc/cmdline)"
	echo "guest-pmu: $(ls /sys/bus/event_source/devices/ | grep -c armv8_pmuv3)"
	# the GICv3 ITS driver's lines (info level: quiet keeps them off the console)
	dmesg | sed -n 's/^\(\[[ 0-9.]*\] \)\{0,1\}\(ITS.*\)/guest-its: \2/p'
	poweroff -f ;;
dmesg)
	dmesg
	poweroff -f ;;
poweroff|boottime)
	echo "guest-init: powering off"
	poweroff -f ;;
clock)
	echo "guest-clock-start: $(cut -d' ' -f1 /proc/uptime)"
	sleep 5
	echo "guest-clock-end: $(cut -d' ' -f1 /proc/uptime)"
	poweroff -f ;;
busy)
	echo "guest-busy-start: $(nproc) CPUs"
	end=$(($(cut -d. -f1 /proc/uptime) + 10))
	for c in $(seq "$(nproc)"); do
		(n=0
		 while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do n=$((n + 1)); done
		 echo "guest-busy-loop: $n rounds") &
	done
	wait
	echo "guest-busy-end"
	poweroff -f ;;
reboot)
	echo "guest-init: rebooting"
	reboot -f ;;
panic)
	echo "guest-init: crashing the kernel"
	echo c > /proc/sysrq-trigger ;;
*)
	echo "guest-init: busybox shell; 'poweroff -f' or exit to stop"
	setsid cttyhack sh -l
	poweroff -f ;;
esac
sleep 5
echo "guest-init: still running after '$vmmtest'"
poweroff -f

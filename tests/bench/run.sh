# SPDX-License-Identifier: GPL-2.0
# run.sh - inside the test bed's L1: run the bench payload on each backend
# this boot offers and print "@@@ BENCH <backend> <mode> <name> <value>".
# vmm.ko wherever EL2 is free (the -none modes), VHE or nVHE
[ -e /dev/kvm ] || insmod /vmm.ko 2>/dev/null
# the backends this boot offers, as "name device" lines
backends() {
	[ ! -c /dev/kvm ] || echo "kvm /dev/kvm"
	[ ! -c /dev/vmm ] || echo "vmm.ko /dev/vmm"
}
# want NAME: TB_BENCH (make bench BENCH=fw,boot,blk,net,9p) names it, or is all.
want() {
	case ",${TB_BENCH:-all}," in *,all,*|*,$1,*) return 0 ;; esac
	return 1
}

want fw && backends | while read -r backend dev; do
	vmm run --kvm-dev $dev -k /firmware/bench.img -c 2 -m 64 --testdev -n mode=none \
		< /dev/null > /tmp/bench.out 2>&1
	echo "@@@ BENCH-STATUS $backend $TB_MODE $?"
	tr -d '\r' < /tmp/bench.out | sed -n \
		"s/^bench: \([a-z_]*\) \([0-9.]*\) ns\/op.*/@@@ BENCH $backend $TB_MODE \1 \2/p"
done

# Boot cost on each backend: the Debian kernel and the test bed's
# initramfs, 1 vCPU, 256 MiB, quiet, from `vmm run` to the guest's
# poweroff, three times; the median of each part.  Under -icount shift=0 a
# nanosecond is an instruction of the emulated host.  vmm's debug line
# gives setup (hypervisor, RAM, loading, vCPUs, DTB), guest and teardown;
# the guest's /proc/uptime (10 ms steps) splits its time at /init.
median() { sort -n | sed -n 2p; }
want boot && backends | while read -r backend dev; do
	: > /tmp/boot.parts
	for i in 1 2 3; do
		vmm run --kvm-dev $dev -k /guest/Image -i /guest/initrd.cpio \
			-c 1 -m 256 -p "quiet vmmtest=boottime" --network mode=none \
			--loglevel debug < /dev/null > /tmp/boot.out 2>&1
		echo "@@@ BENCH-STATUS boot-$backend $TB_MODE $?"
		tr -d '\r' < /tmp/boot.out | awk '
		/^vmm: time in ns: / {
			gsub(",", ""); setup = $6; guest = $8; down = $10
		}
		/^guest-uptime-at-init: / { init = $2 * 1000000000 }
		END {
			if (setup == "" || init == "") exit 1
			printf "%d %d %d %d %d\n", setup + guest + down, setup,
				init, guest - init, down
		}' >> /tmp/boot.parts || tail -n 5 /tmp/boot.out
	done
	sed "s/^/@@@ BOOT-RUN $backend total setup kernel-to-init init-to-off teardown: /" /tmp/boot.parts
	n=1
	for part in boot_total boot_vmm_setup boot_kernel_to_init \
		    boot_init_to_poweroff boot_teardown; do
		v=$(cut -d' ' -f$n /tmp/boot.parts | median)
		[ -n "$v" ] && echo "@@@ BENCH $backend $TB_MODE $part $v"
		n=$((n + 1))
	done
done

# virtio-blk on each backend and transport, as the issue measured lkvm: 2
# vCPUs, 512 MiB, a 300 MiB raw image in L1's tmpfs, busybox dd with
# O_DIRECT on /dev/vda, timed by the guest's /proc/uptime (10 ms steps;
# under -icount shift=0 guest time is instructions).  Two runs; the slower
# is the figure: blk_<op>_ms on virtio-mmio, blk_pci_<op>_ms on virtio-pci.
want blk && dd if=/dev/zero of=/tmp/bench.img bs=1M count=300 2>/dev/null
want blk && backends | while read -r backend dev; do
	: > /tmp/blk.parts.$backend
	for transport in mmio pci; do
		prefix=blk_
		[ $transport = mmio ] || prefix=blk_${transport}_
		for i in 1 2; do
			vmm run --kvm-dev $dev -k /guest/Image -i /guest/initrd.cpio \
				-c 2 -m 512 -p "quiet vmmtest=blkbench" -d /tmp/bench.img -n mode=none \
				--virtio-transport $transport < /dev/null > /tmp/blk.out 2>&1
			echo "@@@ BENCH-STATUS blk-$transport-$backend $TB_MODE $?"
			tr -d '\r' < /tmp/blk.out | grep '^guest-blkbench' |
				sed "s/^/@@@ BLK-RUN $backend $TB_MODE $transport /"
			tr -d '\r' < /tmp/blk.out | awk -v p=$prefix '/^guest-blkbench: / {
				printf "%s%s_ms %d\n", p, $2, ($4 - $3) * 1000 + 0.5 }' >> /tmp/blk.parts.$backend
		done
	done
	awk -v b=$backend -v m=$TB_MODE '{ if ($2 > worst[$1]) worst[$1] = $2; seen[$1] = 1 }
		END { for (k in seen) printf "@@@ BENCH %s %s %s %d\n", b, m, k, worst[k] }' \
		/tmp/blk.parts.$backend | sort
done
rm -f /tmp/bench.img

# virtio-9p on each backend: a share in L1's tmpfs with a 64 MiB file and a
# tree of 1000 files of 4 KiB in 10 directories; the guest (2 vCPUs, 512
# MiB, the default transport) reads the big file, reads every file of the
# tree, stat's them all, writes 64 MiB (fsync'ed), writes a copy of the
# tree (tar) and removes both; guest time from /proc/uptime.
# Two runs; the slower is the figure: 9p_<name>_ms.
want 9p && {
	rm -rf /tmp/share9 && mkdir -p /tmp/share9
	dd if=/dev/urandom of=/tmp/share9/big.bin bs=1M count=64 2> /dev/null
	awk 'BEGIN {
		pad = sprintf("%4095s", "")
		for (d = 0; d < 10; d++) {
			system("mkdir -p /tmp/share9/tree/d" d)
			for (f = 0; f < 100; f++) {
				name = "/tmp/share9/tree/d" d "/f" f
				print pad > name
				close(name)
			}
		}
	}'
}
want 9p && backends | while read -r backend dev; do
	: > /tmp/9p.parts
	for i in 1 2; do
		vmm run --kvm-dev $dev -k /guest/Image -i /guest/initrd.cpio -c 2 -m 512 \
			-n mode=none --9p /tmp/share9,bench9 -p "quiet vmmtest=9pbench" \
			< /dev/null > /tmp/9p.out 2>&1
		echo "@@@ BENCH-STATUS 9p-$backend $TB_MODE $?"
		tr -d '\r' < /tmp/9p.out | grep '^guest-9pbench' | sed "s/^/@@@ 9P-RUN $backend $TB_MODE /"
		tr -d '\r' < /tmp/9p.out | awk '/^guest-9pbench: / {
			printf "9p_%s_ms %d\n", $2, ($4 - $3) * 1000 + 0.5 }' >> /tmp/9p.parts
	done
	awk -v b=$backend -v m=$TB_MODE '{ if ($2 > worst[$1]) worst[$1] = $2; seen[$1] = 1 }
		END { for (k in seen) printf "@@@ BENCH %s %s %s %d\n", b, m, k, worst[k] }' \
		/tmp/9p.parts | sort
done
rm -rf /tmp/share9

# virtio-net on each backend through each network back-end: a tap (the
# vmm serving the queues), a tap with vhost-net, and passt (-n mode=user;
# the guest addresses itself as passt's DHCP would, MTU 65520, and reaches
# L1's loopback at the gateway).  The guest (2 vCPUs, 512 MiB) pings L1
# back to back (not through passt, whose ICMP is a ping socket's), then
# three rounds of tcp-bench against its server in L1: 1000 one-byte
# request/responses on one connection, and 64 MiB sent.  The figures are
# the median round: net_<netdev>_rtt_us (ping), net_<netdev>_rr_us,
# net_<netdev>_tx_mib_s.
load_modules() {
	while read -r m; do
		insmod "/lib/modules/$m" 2>/dev/null
	done < /etc/modules
}
want net && load_modules
want net && export PATH=/opt/passt/bin:$PATH
want net && { tcp-bench server 5002 & }
want net && backends | while read -r backend dev; do
	for netdev in tap vhost passt; do
		case $netdev in
		tap)	nic=mode=tap,tapif=bench0 params= ;;
		vhost)	nic=mode=tap,tapif=bench0,vhost=on params= ;;
		passt)	nic=mode=user params="vmmip=10.0.2.15 vmmpeer=10.0.2.2 vmmmtu=65520 vmmping=no" ;;
		esac
		rm -f /tmp/net.out
		vmm run --kvm-dev $dev -k /guest/Image -i /guest/initrd.cpio -c 2 -m 512 \
			-p "quiet vmmtest=netbench $params" -n $nic \
			< /dev/null > /tmp/net.out 2>&1 &
		vmpid=$!
		if [ $netdev != passt ]; then
			i=0
			while ! ip link show bench0 > /dev/null 2>&1 && [ $i -lt 100 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			ip addr add 10.0.1.1/24 dev bench0
			ip link set bench0 up
		fi
		wait $vmpid
		echo "@@@ BENCH-STATUS net-$netdev-$backend $TB_MODE $?"
		tr -d '\r' < /tmp/net.out | grep '^guest-netbench' |
			sed "s/^/@@@ NET-RUN $backend $TB_MODE $netdev /"
		tr -d '\r' < /tmp/net.out | awk -v b=$backend -v m=$TB_MODE -v n=$netdev '
			function median(a, k,   i, j, t) {	# of a[1..k], k <= 3
				for (i = 1; i <= k; i++)
					for (j = i + 1; j <= k; j++)
						if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
				return a[int((k + 1) / 2)]
			}
			/^guest-netbench: ping_avg_ms / { printf "@@@ BENCH %s %s net_%s_rtt_us %d\n", b, m, n, $3 * 1000 + 0.5 }
			/^guest-netbench: rr_us / { rr[++nrr] = $3 }
			/^guest-netbench: tx_mib_s / { tx[++ntx] = $3 }
			END {
				if (nrr) printf "@@@ BENCH %s %s net_%s_rr_us %d\n", b, m, n, median(rr, nrr) + 0.5
				if (ntx) printf "@@@ BENCH %s %s net_%s_tx_mib_s %d\n", b, m, n, median(tx, ntx) + 0.5
			}'
	done
done

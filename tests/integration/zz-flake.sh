# modes: vhe-gicv2
# timeout: 900
. /tests/lib.sh
bad=0
for i in $(seq 1 40); do
	vmm run -k $GUEST_KERNEL -i $GUEST_INITRD -c 2 -m 256 --loglevel debug \
		-p "loglevel=5 vmmtest=info" < /dev/null > /tmp/f.out 2>&1
	st=$?
	n=$(tr -d '\r' < /tmp/f.out | grep -c 'Linux version')
	ok=$(tr -d '\r' < /tmp/f.out | grep -c '^guest-nproc: 2$')
	echo "FLAKE-RUN $i status $st banners $n nproc-ok $ok"
	if [ $st != 0 ] || [ $n != 1 ] || [ $ok != 1 ]; then
		bad=$((bad + 1))
		echo "FLAKE-HIT $i"; tr -d '\r' < /tmp/f.out | sed 's/^/FLAKE-LOG /'
	fi
done
echo "FLAKE-SUMMARY $bad of 40"

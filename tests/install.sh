#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# install.sh BUILD RESULTS - `make install` into scratch directories, and
# what it installs checked, one PASS/FAIL line each in RESULTS (make
# check-install; host side, no test bed):
#
#   layout         the files under PREFIX and DESTDIR, their modes; uninstall
#   man-*          each page rendered by man(1) without a warning
#   man-commands   vmm(1) has every command of vmm/main.c and every option
#                  of the control commands (vmm/control.c's usage); the run
#                  options are tests/unit/test_help.c's
#   man-params     vmm(4) has every module_param of kmod/*.c, and no other
#   completion     the bash completion: commands, options, values, VM names
#   version        one version: vmm/vmm.h, the binary, dkms.conf, the DKMS
#                  directory, debian/changelog
#   dkms-build     dkms.conf's build command, exactly as dkms runs it, in the
#                  installed DKMS source against the test bed's arm64
#                  headers: vmm.ko for that kernel; then its clean command
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: install.sh BUILD RESULTS}
results=${2:?usage: install.sh BUILD RESULTS}
cd "$top" || exit 1
case $build in /*) ;; *) build=$top/$build ;; esac
case $results in /*) ;; *) results=$top/$results ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmm-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
: > "$results"
version=$(make -s --no-print-directory version)

# check NAME: run check_NAME (hyphens as underscores); it passes by
# returning 0, or fails printing why, its last line the reason.
failed=0
check() {
	local out
	if out=$("check_${1//-/_}" 2>&1); then
		echo "PASS install/$1" >> "$results"
	else
		echo "FAIL install/$1: $(printf '%s\n' "$out" | tail -n1)" >> "$results"
		failed=1
	fi
}

# make install or uninstall into $tmp/$1 with the rest as make arguments.
mk() {
	local dest=$1
	shift
	make -s --no-print-directory BUILD="$build" DESTDIR="$tmp/$dest" "$@" ||
		{ echo "make $* DESTDIR=$tmp/$dest failed"; return 1; }
}

# The files under $1, relative, with their modes: "0644 usr/bin/vmm".
tree() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%#m %P\n' | sort -k2)
}

# ---- layout ------------------------------------------------------------------

# The module's sources, as DKMS gets them: kmod/ less what is not Kbuild's.
kmod_sources() {
	{ git ls-files --cached --others --exclude-standard kmod 2>/dev/null ||
		find kmod -type f; } |
		grep -v -e '^kmod/README.md$' -e '^kmod/dkms.conf$' -e '\.rules$' |
		sed 's|^kmod/||' | sort -u
}

check_layout() {
	local want got f
	mk default install || return 1
	want=$(printf '%s\n' "0755 usr/local/bin/vmm" \
		"0644 usr/local/lib/udev/rules.d/65-vmm.rules" \
		"0644 usr/local/share/bash-completion/completions/vmm" \
		"0644 usr/local/share/man/man1/vmm.1" \
		"0644 usr/local/share/man/man4/vmm.4" | sort -k2)
	got=$(tree "$tmp/default")
	[ "$got" = "$want" ] || {
		diff <(echo "$want") <(echo "$got")
		echo "make install (PREFIX=/usr/local) installed other files than the 5 expected (diff above)"
		return 1
	}

	mk usr install PREFIX=/usr DKMS=1 || return 1
	want=$( {
		printf '%s\n' "0755 usr/bin/vmm" \
			"0644 usr/lib/udev/rules.d/65-vmm.rules" \
			"0644 usr/share/bash-completion/completions/vmm" \
			"0644 usr/share/man/man1/vmm.1" \
			"0644 usr/share/man/man4/vmm.4" \
			"0644 usr/src/vmm-$version/dkms.conf"
		for f in $(kmod_sources); do
			echo "0644 usr/src/vmm-$version/$f"
		done
	} | sort -k2)
	got=$(tree "$tmp/usr")
	[ "$got" = "$want" ] || {
		diff <(echo "$want") <(echo "$got")
		echo "make install PREFIX=/usr DKMS=1 installed other files than expected (diff above)"
		return 1
	}
	cmp -s "$build/vmm" "$tmp/usr/usr/bin/vmm" || { echo "usr/bin/vmm is not $build/vmm"; return 1; }
	cmp -s kmod/65-vmm.rules "$tmp/usr/usr/lib/udev/rules.d/65-vmm.rules" ||
		{ echo "the udev rule is not kmod/65-vmm.rules"; return 1; }

	# uninstall leaves nothing behind (what remains is empty directories)
	mk default uninstall || return 1
	mk usr uninstall PREFIX=/usr DKMS=1 || return 1
	got=$(tree "$tmp/default"; tree "$tmp/usr")
	[ -z "$got" ] || { echo "$got"; echo "make uninstall left files: $(echo $got)"; return 1; }
}

# ---- man pages ---------------------------------------------------------------

# As lintian renders a page: man's own warnings, none allowed.
render() {
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings=w -E UTF-8 -l -Tutf8 -Z "$1" > "$tmp/render.out" 2> "$tmp/render.err" ||
		{ echo "man -l $1 failed"; return 1; }
	[ ! -s "$tmp/render.err" ] || { cat "$tmp/render.err"; echo "man -l $1: $(head -n1 "$tmp/render.err")"; return 1; }
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$1" > "$tmp/render.txt" 2>/dev/null
	for s in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
		grep -q "^$s\$" "$tmp/render.txt" || { echo "man -l $1: no $s section"; return 1; }
	done
}

check_man_vmm.1() { render "$tmp/root/usr/share/man/man1/vmm.1"; }
check_man_vmm.4() { render "$tmp/root/usr/share/man/man4/vmm.4"; }

# The first words of the .TP tags of section $2 of page $1, de-roffed.
man_tags() {
	awk -v sec="$2" '
		/^\.SH / { in_sec = ($0 == ".SH " sec || $0 == ".SH \"" sec "\"") }
		in_sec && tp { print; tp = 0; next }
		in_sec && $0 == ".TP" { tp = 1 }' "$1" |
		sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\c//g' -e 's/"//g' -e 's/^\.[A-Z]* *//'
}

check_man_commands() {
	local cmds tags c o opts
	cmds=$(sed -n '/^static const struct command commands\[\]/,/^};/s/^[[:space:]]*{ "\([a-z-]*\)".*/\1/p' vmm/main.c)
	[ "$(echo "$cmds" | wc -w)" -ge 5 ] || { echo "no command table found in vmm/main.c"; return 1; }
	tags=$(man_tags man/vmm.1 COMMANDS)
	for c in $cmds; do
		echo "$tags" | grep -q "^$c\( \|$\)" ||
			{ echo "vmm(1) has no entry for command '$c' in COMMANDS"; return 1; }
	done
	for c in $(echo "$tags" | sed -n 's/^\([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p'); do
		echo "$cmds" | grep -qx "$c" ||
			{ echo "vmm(1) documents command '$c', which vmm/main.c does not have"; return 1; }
	done
	# the control commands' options: their usage, in vmm/control.c
	opts=$(sed -n '/^static void list_usage/,/^}/p' vmm/control.c | grep -o -- '--[a-z][a-z-]*' | sort -u)
	[ -n "$opts" ] || { echo "no list_usage() found in vmm/control.c"; return 1; }
	for o in $opts; do
		echo "$tags" | grep -q -- "\(^\| \)$o\( \|,\|$\)" ||
			{ echo "vmm(1) has no entry for the control option $o in COMMANDS"; return 1; }
	done
}

check_man_params() {
	local want got p
	want=$(grep -ho 'module_param\(_cb\)\{0,1\}([a-z_0-9]*' kmod/*.c | sed 's/.*(//' | sort -u)
	got=$(man_tags man/vmm.4 PARAMETERS | sed 's/[= ].*//' | sort -u)
	[ -n "$want" ] || { echo "no module_param found in kmod/*.c"; return 1; }
	for p in $want; do
		echo "$got" | grep -qx "$p" || { echo "vmm(4) does not document the parameter $p"; return 1; }
	done
	for p in $got; do
		echo "$want" | grep -qx "$p" || { echo "vmm(4) documents a parameter $p that kmod/*.c does not have"; return 1; }
	done
}

# ---- bash completion ---------------------------------------------------------

# A vmm that answers as the real one does, in its format (which
# test_help.c and cli.sh hold the real one to): the completion reads its
# commands and options from `vmm --help` and `vmm help COMMAND`.
fake_vmm() {
	mkdir -p "$tmp/fakebin"
	cat > "$tmp/fakebin/vmm" <<-'EOF'
	#!/bin/sh
	case "$*" in
	--help) printf '\n usage: vmm [--version] [--help] COMMAND [ARGS]\n\n The most commonly used vmm commands are:\n   run        Start the virtual machine\n   list       List the running virtual machines\n   stop       Stop a running virtual machine\n   help       Display help on using vmm\n   version    Print the version of vmm\n\n' ;;
	"help run") cat <<'HELP'
	usage: vmm run [<options>] [<kernel image>]

	Basic options:
	    --name <name>         a name for the guest (default: guest-<pid>): letters,
	                          digits, ., _ and -; it names its control socket
	    -c, --cpus <n>        number of vCPUs (default: the host's online CPUs)
	    --console <serial|virtio>
	                          guest console
	Device options:
	    --rng                 a virtio-rng device (/dev/hwrng) fed by the host's
	    -d, --disk <image>[,ro][,direct]
	                          a disk (virtio-blk): see --name
	    -n, --network mode=user[,hostfwd=tcp|udp:HOSTPORT:GUESTPORT]...|mode=none, each [,guest_mac=MAC]
	                          a NIC
	Arm options:
	    --irqchip <gicv2|gicv3|gicv3-its|none|auto>
	                          interrupt controller
	    --disable-sve, --disable-mte, --no-pvtime
	                          accepted for lkvm scripts
	Not supported (refused with a message naming the option): lkvm's
	--balloon, --vnc.
	HELP
	;;
	"help stop"|"help list") printf 'usage: vmm list [--json]\n       vmm stop --name NAME [--force] [--grace DURATION] [--json]\n\nTalk to running VMs, --name etc.\n' ;;
	*) exit 2 ;;
	esac
	EOF
	chmod +x "$tmp/fakebin/vmm"
}

check_completion() {
	fake_vmm
	mkdir -p "$tmp/xdg/vmm" "$tmp/cwd/dir"
	: > "$tmp/cwd/Image"
	: > "$tmp/xdg/vmm/not-a-socket.sock"
	perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $_, Listen => 1) or die "$_: $!\n" for @ARGV' \
		"$tmp/xdg/vmm/ci-42.sock" "$tmp/xdg/vmm/ci-43.sock" || return 1
	(cd "$tmp/cwd" && PATH=$tmp/fakebin:$PATH XDG_RUNTIME_DIR=$tmp/xdg \
		bash --norc --noprofile -c '
		set -u
		. "$1" || { echo "sourcing the completion failed"; exit 1; }
		[ "$(complete -p vmm)" = "complete -F _vmm vmm" ] || { echo "no complete -F _vmm vmm"; exit 1; }
		# expect "WORDS..." "REPLY...": complete the last of WORDS
		expect() {
			local got
			COMP_WORDS=($1)
			[[ $1 == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE=$1; COMP_POINT=${#1}; COMPREPLY=()
			_vmm vmm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
			got=$(printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " ")
			[ "$got" = "$2 " ] || { echo "completing \"$1\" gave \"$got\", not \"$2 \""; exit 1; }
		}
		expect "vmm " "--help --version help list run stop version"
		expect "vmm st" "stop"
		expect "vmm help r" "run"
		expect "vmm run --c" "--console --cpus"
		expect "vmm run -" "--console --cpus --disable-mte --disable-sve --disk --help --irqchip --name --network --no-pvtime --rng -c -d -n"
		expect "vmm run --irqchip gicv3" "gicv3 gicv3-its"
		expect "vmm run -c " ""
		expect "vmm run --console " "serial virtio"
		expect "vmm run -n mode=n" "mode=none"
		expect "vmm run -d I" "Image"
		expect "vmm run --rng I" "Image"
		expect "vmm stop -" "--force --grace --help --json --name"
		expect "vmm stop --name " "ci-42 ci-43"
		expect "vmm stop -n ci-43" "ci-43"
		expect "vmm stop --grace " ""
		expect "vmm list --" "--help --json"
		expect "vmm version " ""
		expect "vmm frobnicate -" ""
		' bash "$tmp/root/usr/share/bash-completion/completions/vmm")
}

# ---- version -----------------------------------------------------------------

check_version() {
	local deb conf
	[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
		{ echo "make version gives '$version', not X.Y.Z from vmm/vmm.h"; return 1; }
	grep -q "^#define VMM_VERSION[[:space:]]*\"$version\"$" vmm/vmm.h ||
		{ echo "vmm/vmm.h's VMM_VERSION is not '$version'"; return 1; }
	# the binary prints "vmm version %s" with it (cli.sh runs it on arm64)
	grep -qaF "vmm version %s" "$build/vmm" && grep -qaF "$version" "$build/vmm" ||
		{ echo "$build/vmm holds no 'vmm version %s' and '$version'"; return 1; }
	deb=$(sed -n '1s/^vmm (\([^)]*\)).*/\1/p' debian/changelog)
	[ "$deb" = "$version" ] ||
		{ echo "debian/changelog's version is '$deb', vmm/vmm.h's '$version': add a changelog entry"; return 1; }
	conf=$tmp/root/usr/src/vmm-$version/dkms.conf
	[ -f "$conf" ] || { echo "no $conf"; return 1; }
	grep -qx "PACKAGE_VERSION=\"$version\"" "$conf" ||
		{ echo "the installed dkms.conf's PACKAGE_VERSION is not \"$version\""; return 1; }
	grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' kmod/dkms.conf ||
		{ echo "kmod/dkms.conf must leave PACKAGE_VERSION=\"#MODULE_VERSION#\" to install time"; return 1; }
}

# ---- DKMS --------------------------------------------------------------------

check_dkms_build() {
	local kdir abi src=$tmp/dkms/vmm/$version/build
	kdir=$(scripts/provision.sh env 2>/dev/null | sed -n 's/^KDIR=//p')
	abi=$(scripts/provision.sh env 2>/dev/null | sed -n 's/^ABI=//p')
	[ -d "$kdir" ] || { echo "no test-bed kernel headers: run 'make provision-kernel'"; return 1; }
	# dkms copies the source tree to its build directory and builds there
	mkdir -p "$(dirname "$src")"
	cp -a "$tmp/root/usr/src/vmm-$version" "$src" || return 1
	(
		set -e
		cd "$src"
		# what dkms sets before it reads dkms.conf (read_conf)
		kernelver=$abi arch=aarch64 kernel_source_dir=$kdir dkms_tree=$tmp/dkms
		. ./dkms.conf
		[ "$PACKAGE_NAME" = vmm ] && [ "$PACKAGE_VERSION" = "$version" ] ||
			{ echo "dkms.conf names $PACKAGE_NAME/$PACKAGE_VERSION, not vmm/$version"; exit 1; }
		[[ aarch64 =~ $BUILD_EXCLUSIVE_ARCH ]] && ! [[ x86_64 =~ $BUILD_EXCLUSIVE_ARCH ]] ||
			{ echo "BUILD_EXCLUSIVE_ARCH '$BUILD_EXCLUSIVE_ARCH' must take aarch64 alone"; exit 1; }
		# dkms runs MAKE[0] with "make" made "make -jN KERNELRELEASE=..."
		cmd=${MAKE[0]/#make/make -j$(nproc) KERNELRELEASE=$kernelver}
		eval "$cmd" > "$tmp/dkms-build.log" 2>&1 ||
			{ tail -n 20 "$tmp/dkms-build.log"; echo "dkms.conf's build ($cmd) failed against $kdir"; exit 1; }
		ko=${BUILT_MODULE_NAME[0]}.ko
		[ -f "$ko" ] || { echo "dkms.conf's build made no $ko"; exit 1; }
		aarch64-linux-gnu-objcopy -O binary --only-section=.modinfo "$ko" "$tmp/modinfo"
		tr '\0' '\n' < "$tmp/modinfo" > "$tmp/modinfo.txt"
		grep -q "^vermagic=$abi SMP" "$tmp/modinfo.txt" ||
			{ echo "$ko is not for $abi: $(grep vermagic "$tmp/modinfo.txt")"; exit 1; }
		grep -qx "name=vmm" "$tmp/modinfo.txt" && grep -qx "license=GPL" "$tmp/modinfo.txt" ||
			{ echo "$ko's modinfo has no name=vmm, license=GPL"; exit 1; }
		grep -q "^parm=devname:" "$tmp/modinfo.txt" ||
			{ echo "$ko has no devname parameter"; exit 1; }
		eval "$CLEAN" > "$tmp/dkms-clean.log" 2>&1 ||
			{ tail -n 5 "$tmp/dkms-clean.log"; echo "dkms.conf's clean ($CLEAN) failed"; exit 1; }
		[ ! -e "$ko" ] || { echo "dkms.conf's clean left $ko"; exit 1; }
	)
}

check layout
# The other checks look at what this install put in $tmp/root.
mk root install PREFIX=/usr DKMS=1 > "$tmp/install.log" 2>&1 || {
	for c in man-vmm.1 man-vmm.4 completion version dkms-build; do
		echo "FAIL install/$c: make install PREFIX=/usr DKMS=1 DESTDIR=... failed: $(tail -n1 "$tmp/install.log")" >> "$results"
	done
	check man-commands
	check man-params
	exit 1
}
check man-vmm.1
check man-vmm.4
check man-commands
check man-params
check completion
check version
check dkms-build
exit $failed

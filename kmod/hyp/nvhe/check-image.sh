#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# check-image.sh OBJ - the nVHE EL2 image, partially linked, must stand
# alone: no symbol from outside it (EL2 cannot reach the kernel, and an
# accidental call must fail the build, not the machine), and nothing in
# it that needs its load address (it is copied to other pages and runs
# at other addresses: only PC-relative relocations may remain).
# NM and READELF come from Kbuild.
set -eu
obj=$1
undef=$(${NM:-nm} -u "$obj")
if [ -n "$undef" ]; then
	echo "$obj: the EL2 image names symbols it does not define:" >&2
	echo "$undef" >&2
	exit 1
fi
# Relocations against .vmm_hyp's contents: keep the PC-relative kinds
bad=$(${READELF:-readelf} -rW "$obj" | awk '
	/^Relocation section/ { in_hyp = ($3 == "'"'"'.rela.vmm_hyp'"'"'") ; next }
	in_hyp && $3 ~ /^R_AARCH64_/ &&
	$3 !~ /^R_AARCH64_(CALL26|JUMP26|CONDBR19|TSTBR14|ADR_PREL_PG_HI21|ADR_PREL_LO21|ADD_ABS_LO12_NC|LDST(8|16|32|64|128)_ABS_LO12_NC|LD_PREL_LO19|PREL32|PREL64)$/ { print }')
if [ -n "$bad" ]; then
	echo "$obj: the EL2 image has relocations that need its load address:" >&2
	echo "$bad" >&2
	exit 1
fi

# SPDX-License-Identifier: GPL-2.0
# bash completion for vmm: its commands, each command's options and their
# values, and the names of the running VMs.
#
# The commands and options come from the vmm being completed (`vmm --help`,
# `vmm help COMMAND`), read once per shell, so they are never out of step
# with it; the VMs are the control sockets in the directory vmm/control.c
# uses ($XDG_RUNTIME_DIR/vmm, /run/vmm for root, /tmp/vmm-UID).  Installed
# as bash-completion's completions/vmm.

# _vmm_commands VMM: the commands, from `vmm --help`'s list.
_vmm_commands()
{
	"$1" --help 2>/dev/null | sed -n 's/^   \([a-z][a-z-]*\)  .*/\1/p'
}

# _vmm_options VMM COMMAND: the command's options, one a line, each
# followed by "=" if it takes a value.  `vmm help run` lists them one a
# line, indented 4 ("    -c, --cpus <n>   ..."); the other commands give a
# synopsis line each ("vmm stop --name NAME [--force] ...").
_vmm_options()
{
	local line head opt takes toks
	if [[ $2 != run ]]; then
		"$1" help "$2" 2>/dev/null | sed -n "s/^.*vmm $2 //p" | tr -d '[]' |
			awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^-/)
				print $i ($(i + 1) ~ /^[A-Z]/ ? "=" : "") }' | sort -u
		echo "--help"
		return
	fi
	"$1" help run 2>/dev/null | while IFS= read -r line; do
		[[ $line == "    -"* ]] || continue
		head=${line#    }
		head=${head%%  *}	# the description starts after 2 spaces
		read -ra toks <<<"$head"
		# a value follows the head's last option: each of them takes it
		takes=""
		[[ ${toks[-1]} == -* ]] || takes="="
		for opt in "${toks[@]}"; do
			opt=${opt%,}
			[[ $opt == -* ]] && echo "$opt$takes"
		done
	done
	echo "--help"
}

# _vmm_names: the running VMs' names, from their control sockets.
_vmm_names()
{
	local dir f
	if [[ ${XDG_RUNTIME_DIR:-} == /* ]]; then
		dir=$XDG_RUNTIME_DIR/vmm
	elif [[ $EUID == 0 ]]; then
		dir=/run/vmm
	else
		dir=/tmp/vmm-$EUID
	fi
	for f in "$dir"/*.sock; do
		[[ -S $f ]] || continue
		f=${f##*/}
		echo "${f%.sock}"
	done
}

# _vmm_reply WORD...: the words that start with $cur.
_vmm_reply()
{
	mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
}

_vmm()
{
	local cur prev words cword split=false
	if declare -F _init_completion >/dev/null; then
		_init_completion -s -n : || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local vmm=${words[0]} cmd="" i o takes key
	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} != -* ]]; then
			cmd=${words[i]}
			break
		fi
	done

	# what vmm said, kept per program and command for the shell's life
	key=${vmm//[^a-zA-Z0-9]/_}
	local -n commands=_VMM_COMMANDS_$key
	[[ -n ${commands:-} ]] || commands=$(_vmm_commands "$vmm")
	if [[ -z $cmd ]]; then
		_vmm_reply "$commands --help --version"
		return
	fi
	case $cmd in
	help) ((i == cword - 1)) && _vmm_reply "$commands"; return ;;
	version) return ;;
	esac
	[[ " "$commands" " == *[[:space:]]$cmd[[:space:]]* ]] || return
	local -n options=_VMM_OPTIONS_${key}_${cmd//[^a-z]/_}
	[[ -n ${options:-} ]] || options=$(_vmm_options "$vmm" "$cmd")

	# the value of the option before the cursor, if it takes one
	takes=""
	for o in $options; do
		[[ $o == "$prev=" ]] && takes=$prev
	done
	[[ $cmd != run && $prev == -n ]] && takes=-n	# control.c's --name
	if [[ -n $takes ]]; then
		case $cmd:$takes in
		run:--name | run:-c | run:--cpus | run:-m | run:--mem | run:-p | \
		run:--params | run:--timeout | run:--gdb | run:--firmware-address | \
		*:--grace) ;;
		*:--name | *:-n)
			if [[ $cmd == run ]]; then
				compopt -o nospace 2>/dev/null
				_vmm_reply mode=user mode=user,hostfwd=tcp: mode=tap mode=tap,tapif= \
					mode=passt,socket= mode=none
			else
				_vmm_reply "$(_vmm_names)"
			fi ;;
		run:--network)
			compopt -o nospace 2>/dev/null
			_vmm_reply mode=user mode=user,hostfwd=tcp: mode=tap mode=tap,tapif= \
				mode=passt,socket= mode=none ;;
		run:--console) _vmm_reply serial virtio ;;
		run:--virtio-transport) _vmm_reply pci mmio ;;
		run:--irqchip) _vmm_reply gicv2 gicv3 gicv3-its none auto ;;
		run:--hostfs) _vmm_reply ro rw none ;;
		run:--loglevel) _vmm_reply error warning info debug ;;
		run:--kvm-dev) _vmm_reply /dev/kvm /dev/vmm ;;
		run:--sandbox-user) mapfile -t COMPREPLY < <(compgen -u -- "$cur") ;;
		run:--root | run:--9p)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
		*)	# a file: a kernel, an initrd, a disk, a System.map, ...
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		esac
		return
	fi
	$split && return
	if [[ $cur == -* ]]; then
		_vmm_reply "${options//=/}"
	elif [[ $cmd == run ]]; then	# its one argument: the kernel
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}
complete -F _vmm vmm

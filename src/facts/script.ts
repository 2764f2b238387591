/**
 * The one shell script that gathers every fact of a host in a single round trip.
 *
 * POSIX sh only (dash, bash as sh, busybox ash): targets include CentOS 7 and Debian minbase
 * containers without Python. Every probe is optional: a missing file or command leaves its
 * section empty instead of failing the run. Files are read by `head` (which labels each file
 * with a `==> path <==` header). Every process costs the host a fork+exec (about 1 ms of host
 * CPU on a sandbox host), so what files and shell builtins can answer is answered that way:
 * uname's fields from /proc/sys/kernel, ids from /proc/self/status, the passwd entry and the
 * fqdn from /etc/passwd and /etc/hosts where nsswitch.conf puts `files` first, addresses and
 * both routes from one `ip -batch`, statfs without `timeout` when every mount is local, one
 * `ls` for all symlinks. But dash's `read` builtin costs a read(2) per byte: the files the
 * script looks into itself (the mount table, nsswitch.conf, /etc/hosts, /etc/passwd) come from
 * a second head into a variable, split into lines in memory. A default gather runs two heads,
 * date, ip and stat (and ls where there are device links); date (the zone's names), ip (labels,
 * secondary addresses, the kernel's route choice) and stat (statfs) have no file or builtin
 * that answers exactly. The `--processes` argument runs the commands as before, for tests.
 *
 * Output: sections introduced by a line `@@k8splay:NAME`; parsed by ./output.ts.
 *
 * The script is kept free of backticks and `${` so it can live in a template literal.
 */

/** Marker that starts every section line; never produced by the files we read. */
export const SECTION_MARKER = '@@k8splay:';

/** Version of the output format, printed in the first line. */
export const SCRIPT_FORMAT_VERSION = 1;

export const GATHER_SCRIPT = String.raw`
S() { printf '\n@@k8splay:%s\n' "$1"; }
printf '@@k8splay:begin 1\n'
T=$1; shift
case $T in ''|*[!0-9]*) T=10;; esac
P=
for a; do case $a in --processes) P=1;; *[!a-z_0-9]*) ;; *) eval "w_$a=1";; esac; done
set -f
# The environment first, before PATH is extended for our own lookups.
S env; export -p
for d in /sbin /usr/sbin /usr/local/sbin /bin /usr/bin /usr/local/bin; do
  case :$PATH: in *:$d:*) ;; *) PATH=$PATH:$d;; esac
done
# Which commands there are, asked once (has answers from the list), and which paths exist:
# collected and printed in one write.
S flags
hs=' '
fl=
for n in ip getent timeout systemctl initctl lsb_release findmnt head; do
  command -v $n && hs="$hs$n " && fl="$fl
c $n"
done >/dev/null 2>&1
has() { case $hs in *" $1 "*) return 0;; esac; return 1; }
# What head prints for several files ("==> name <==" headers), by hand where there is no head.
# (head itself is called directly: in $(...) dash then starts one process, not two.)
heads() {
  for f; do
    [ -r "$f" ] || continue
    printf '==> %s <==\n' "$f"
    while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done < "$f"
    echo
  done 2>/dev/null
}
to() { if [ -n "$hto" ]; then timeout "$T" "$@"; else "$@"; fi; }
has timeout && hto=1
for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ \
  /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi \
  /usr/bin/pacman /bin/opkg /usr/pkg/bin/pkgin /opt/local/bin/pkgin /opt/tools/bin/pkgin \
  /opt/local/bin/port /usr/local/bin/brew /opt/homebrew/bin/brew /sbin/apk /usr/sbin/pkg \
  /usr/sbin/swlist /usr/bin/emerge /usr/sbin/pkgadd /usr/bin/pkg /usr/bin/xbps-install \
  /usr/local/sbin/pkg /usr/bin/swupd /usr/sbin/sorcery /usr/bin/installp /QOpenSys/pkgs/bin/yum \
  /run/ostree-booted /usr/bin/rpm /sys/kernel/security/apparmor /proc/vz /proc/lve /proc/bc \
  /.dockerenv /.dockerinit /proc/xen /dev/kvm /rhev/ /proc/cpuinfo /proc/meminfo /proc/modules \
  /etc/mtab /etc/arch-release /etc/vmware-release /etc/ansible/facts.d; do
  [ -e "$p" ] && fl="$fl
e $p"
done
[ -L /sbin/init ] && fl="$fl
L /sbin/init"
if [ -n "$w_chroot" ] && [ -e /proc/1/root/. ]; then
  if [ / -ef /proc/1/root/. ]; then fl="$fl
chroot 0"; else fl="$fl
chroot 1"; fi
fi
printf '%s\n' "$fl"

# What uname prints is in /proc/sys/kernel (read by head below) where the kernel has "arch"
# and no personality (linux32) changes what uname would say; else uname says it.
kp=
[ -z "$P" ] && [ -r /proc/sys/kernel/arch ] && read -r kp 2>/dev/null </proc/self/personality
if [ "$kp" != 00000000 ]; then S uname; uname -snrvm; fi

# The other files we want, read by one head process. Those most hosts lack come first: head
# writes out what it holds before each error message, and has nothing to write yet there.
F="/etc/SuSE-release /etc/coreos/update.conf /selinux/enforce /selinux/policyvers /etc/nvme/hostnqn"
F="$F /proc/xen/capabilities /sys/hypervisor/type /etc/iscsi/initiatorname.iscsi /etc/lsb-release"
F="$F /sys/fs/selinux/enforce /sys/fs/selinux/policyvers /proc/sys/crypto/fips_enabled /run/systemd/container"
F="$F /proc/sys/kernel/version /var/lib/dbus/machine-id /etc/machine-id"
[ "$kp" = 00000000 ] && F="$F /proc/sys/kernel/ostype /proc/sys/kernel/osrelease /proc/sys/kernel/hostname /proc/sys/kernel/arch"
F="$F /etc/os-release /usr/lib/os-release /etc/selinux/config /proc/1/comm /proc/cmdline /proc/loadavg"
F="$F /etc/resolv.conf /proc/uptime /proc/1/cgroup /proc/1/environ /proc/self/status"
F="$F /proc/meminfo /proc/cpuinfo"
[ -n "$w_virtual" ] && F="$F /proc/modules"
has findmnt && [ -n "$w_hardware" ] && F="$F /proc/self/mountinfo"
set +f
# One listing of /etc for its three patterns (a directory read is dear on overlayfs); the
# release files named above are not read twice.
for f in /etc/*[-_]*; do
  case $f in
    /etc/os-release|/etc/lsb-release|/etc/SuSE-release) ;;
    */*-release|*/*_version|/etc/ssh_host_*_key.pub) [ -f "$f" ] && F="$F $f";;
  esac
done
for f in /etc/ssh/ssh_host_*_key.pub /etc/openssh/ssh_host_*_key.pub /sys/devices/virtual/dmi/id/* \
  /sys/class/fc_host/*/port_name /sys/block/dm-*/dm/name; do
  [ -f "$f" ] && F="$F $f"
done
# Symbolic links whose targets we need (interfaces' devices and drivers, disks by UUID),
# listed by one ls at the end; bridges' members (brif) printed below.
LL=
bi=
if [ -n "$w_network" ]; then
  for d in /sys/class/net/*; do
    [ -d "$d" ] || continue
    F="$F $d/address $d/mtu $d/operstate $d/type $d/flags $d/speed"
    [ -e "$d/device" ] && LL="$LL $d/device"
    [ -e "$d/device/driver/module" ] && LL="$LL $d/device/driver/module"
    [ -d "$d/bridge" ] && F="$F $d/bridge/bridge_id $d/bridge/stp_state"
    for b in "$d"/brif/*; do [ -e "$b" ] && bi="$bi
$b"; done
    [ -d "$d/bonding" ] && F="$F $d/bonding/slaves $d/bonding/mode $d/bonding/miimon $d/bonding/lacp_rate $d/bonding/primary $d/bonding/all_slaves_active"
    [ -d "$d/bonding_slave" ] && F="$F $d/bonding_slave/perm_hwaddr"
  done
  has ip || F="$F /proc/net/route /proc/net/fib_trie /proc/net/if_inet6 /proc/net/ipv6_route"
fi
set -f

# The files the script itself looks into are read by a second head into $o and split into
# lines in memory: dash's read builtin costs one read(2) per byte, more than a process for a
# mount table. They are printed with the other files. /proc/mounts also gives the root
# filesystem type when /proc/1/root is closed to us; /etc/mtab is read apart only where it is
# not the same file (most systems link it to /proc/self/mounts).
C=/proc/mounts
ml=
if [ -n "$w_hardware" ]; then
  ml=/proc/mounts
  if [ -e /etc/mtab ] && ! [ /etc/mtab -ef /proc/mounts ]; then C="$C /etc/mtab"; ml=/etc/mtab; fi
fi
# NSS order of the hosts and passwd databases (nsswitch.conf; it also keeps two names on head's
# command line, so that it prints its headers), /etc/hosts for the fqdn where it answers
# (hostsfile below) or where there is no getent, /etc/passwd for the user's entry.
C="$C /etc/nsswitch.conf"
if [ -n "$w_platform" ] || ! has getent; then C="$C /etc/hosts"; fi
[ -n "$w_user" ] && C="$C /etc/passwd"
if has head; then o=$(head -n 1000000 $C 2>/dev/null); else o=$(heads $C); fi

hn=
if [ -n "$w_platform" ]; then read -r hn 2>/dev/null </proc/sys/kernel/hostname || hn=$(uname -n); fi
u=
eu=
if [ -n "$w_user" ]; then
  u=$LOGNAME; [ -n "$u" ] || u=$USER; [ -n "$u" ] || u=$LNAME; [ -n "$u" ] || u=$USERNAME
  if [ -z "$u" ]; then
    while read -r k a b r; do case $k in Uid:) eu=$b; break;; esac; done 2>/dev/null </proc/self/status
  fi
fi
# One pass over those lines. nsh, nsp: the first source of the hosts and passwd databases,
# where exactly one line names the database and no [action] follows that source (else getent
# answers). ha: the address /etc/hosts gives the hostname, on lines of one address only (hf).
# pw: the user's /etc/passwd line (by name, else by effective uid); px: a +/- line came first.
# ms: the mount points statfs is asked about; lo: all of them on local filesystems.
nsh= nsp= nnh=0 nnp=0 cf= ha= hf= pw= px= ms= lo=1
IFS='
'
for l in $o; do
  case $l in '==> '*' <==') cf=$l; continue;; esac
  case $cf in
    "==> $ml <==")
      case $l in /*|\\*|*:/*) ;; *) continue;; esac
      unset IFS; set -- $l
      case $3 in none) continue;; esac
      case $1 in /*|\\*|*:/*) ;; *) continue;; esac
      case $2 in *\\*) continue;; esac
      case $3 in
        ext2|ext3|ext4|xfs|btrfs|vfat|msdos|exfat|ntfs|ntfs3|f2fs|jfs|reiserfs|zfs|iso9660|udf|squashfs|erofs|overlay|tmpfs|hfsplus|nilfs2|bcachefs) ;;
        *) lo=;;
      esac
      ms="$ms $2" ;;
    '==> /etc/nsswitch.conf <==')
      case $l in *hosts*|*passwd*) ;; *) continue;; esac
      IFS=' 	:'; set -- $l
      nv=$2
      case $3 in '['*) nv=;; esac
      case $1 in hosts) nnh=$((nnh + 1)); nsh=$nv;; passwd) nnp=$((nnp + 1)); nsp=$nv;; esac ;;
    '==> /etc/hosts <==')
      [ -n "$hn" ] || continue
      unset IFS; set -- $l
      case $1 in ''|'#'*) continue;; esac
      a=$1; shift
      for n; do
        case $n in
          '#'*) break;;
          "$hn") if [ -z "$ha" ]; then ha=$a; hf=1; elif [ "$ha" != "$a" ]; then hf=; fi; break;;
        esac
      done ;;
    '==> /etc/passwd <==')
      [ -z "$pw" ] || continue
      case $l in [+-]*) px=1;; esac
      if [ -n "$u" ]; then
        case $l in "$u":*) pw=$l;; esac
      elif [ -n "$eu" ]; then
        IFS=:; set -- $l
        [ "$3" = "$eu" ] && pw=$l
      fi ;;
  esac
done
unset IFS
[ "$nnh" = 1 ] && [ -z "$P" ] || nsh=
[ "$nnp" = 1 ] && [ -z "$P" ] || nsp=
[ "$nsh" = files ] || hf=
case $nsp in files) ;; compat) [ -z "$px" ] || pw=;; *) pw=;; esac

printf '\n@@k8splay:files\n%s\n\n' "$o"
if has head; then head -n 1000000 $F 2>/dev/null; else heads $F; fi

if [ -n "$w_service_mgr" ] && [ ! -r /proc/1/comm ] && [ -L /sbin/init ]; then
  S initlink; ls -l /sbin/init 2>/dev/null
fi

if [ -n "$w_chroot" ] && [ ! -e /proc/1/root/. ]; then
  S rootino; ls -di / 2>/dev/null
fi

if [ -n "$w_platform" ]; then
  # Python's getfqdn() asks NSS. Where "files" comes first and /etc/hosts names the host,
  # on lines of one address only, /etc/hosts is the whole answer: the controller reads it.
  if [ -n "$hf" ]; then
    S hostsfile
  elif has getent && [ -n "$hn" ]; then
    S hostfwd; a=$(to getent hosts "$hn" 2>/dev/null); echo "$a"
    set -- $a
    if [ -n "$1" ]; then S hostrev; to getent hosts "$1" 2>/dev/null; fi
  fi
fi

if [ -n "$w_user" ]; then
  # The ids are in /proc/self/status (read by head); id only where that cannot be read.
  if [ -n "$P" ] || [ ! -r /proc/self/status ]; then S id; id 2>/dev/null; fi
  # The passwd entry: its /etc/passwd line where "files" (or "compat", before any +/- line)
  # answers first, else getent (the name, then the effective uid).
  if [ -n "$pw" ]; then
    S passwd; printf '%s\n' "$pw"
  elif has getent; then
    S passwd
    { [ -n "$u" ] && to getent passwd "$u" 2>/dev/null; } || to getent passwd "$(id -u)" 2>/dev/null
  fi
fi

if [ -n "$w_date_time" ]; then
  S date
  date -f - '+%s %N %z %Z' 2>/dev/null <<EOF || date '+%s %N %z %Z'
now
2001-01-15 12:00
2001-07-15 12:00
EOF
fi

if [ -n "$w_network" ] && has ip; then
  # One ip for the addresses and both routes (a route's family follows its address). An
  # ip without -batch (busybox) prints no interface line: then three calls, as before.
  io=
  if [ -z "$P" ]; then
    io=$(ip -force -batch - 2>/dev/null <<EOF
addr show
route get 8.8.8.8
route get 2404:6800:400a:800::1012
EOF
)
  fi
  case $io in
    [0-9]*': '*) printf '\n@@k8splay:ipbatch\n%s\n' "$io" ;;
    *)
      S ipaddr; ip addr show 2>/dev/null
      S route4; ip -4 route get 8.8.8.8 2>/dev/null
      S route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null ;;
  esac
fi
[ -n "$w_network" ] && printf '\n@@k8splay:brif\n%s\n' "$bi"

if [ -n "$w_hardware" ]; then
  # statfs of a network filesystem can hang: timeout unless every mount is a local one.
  if [ -n "$ms" ]; then
    S statfs
    if [ -n "$lo" ] && [ -z "$P" ]; then stat -f -c '%S %s %b %a %c %d %n' -- $ms 2>/dev/null
    else to stat -f -c '%S %s %b %a %c %d %n' -- $ms 2>/dev/null; fi
    echo "@@rc $?"
  fi
  if [ -d /dev/disk/by-uuid ]; then
    if [ -n "$P" ]; then
      S byuuid; ls -l /dev/disk/by-uuid 2>/dev/null
    else
      set +f
      for l in /dev/disk/by-uuid/*; do [ -L "$l" ] && LL="$LL $l"; done
      set -f
    fi
  fi
fi

if [ -n "$LL" ]; then
  if [ -n "$P" ]; then S netlinks; else S links; fi
  ls -ld $LL 2>/dev/null
fi
S end
`;

export interface GatherCommandOptions {
  /**
   * Run the commands (uname, id, getent, ip three times, ls, timeout) even where shell
   * builtins and files answer: the slower way, kept so tests can check both agree.
   */
  processes?: boolean;
}

/**
 * The command line that runs the gathering script for the given collectors: the script
 * itself after a `set --` of its arguments. Connection.exec runs a command line with /bin/sh
 * in a subshell of its own, so no `sh -c` (one more process) is needed around it.
 */
export function buildGatherCommand(collectors: Iterable<string>, timeoutSec: number, opts: GatherCommandOptions = {}): string {
  const names = [...collectors].filter((c) => /^[a-z_0-9]+$/.test(c));
  const t = Math.max(1, Math.ceil(timeoutSec));
  return `set -- ${t}${opts.processes ? ' --processes' : ''} ${names.join(' ')}\n${GATHER_SCRIPT}`;
}

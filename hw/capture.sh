#!/bin/sh
# twinbox hw capture: dumps this host's PCI functions and IOMMU groups as YAML on stdout, for
# `twinbox hw import FILE` to turn into a machine profile. POSIX sh + od + awk (runs under
# dash and BusyBox ash). SYSFS_ROOT (default /sys) points at another tree, e.g. one written by
# `twinbox hw export-sysfs`. Reading config space past 64 bytes needs root on a real host;
# without it the PCIe and ACS facts are left out, never guessed.
set -u
ROOT=${SYSFS_ROOT:-/sys}
DEVS=$ROOT/bus/pci/devices

# One sysfs attribute's first line, or nothing.
attr() { [ -r "$1" ] && head -n 1 "$1" 2>/dev/null; }
# A link's last component, or nothing.
linkname() { [ -L "$1" ] || return 0; t=$(readlink "$1") && echo "${t##*/}"; }

# Walks the config bytes (od's hex) for: header type, secondary bus, PCIe port type, ACS.
config_facts() {
  od -An -tx1 -v "$1" 2>/dev/null | awk '
    { for (i = 1; i <= NF; i++) b[n++] = $i }
    function byte(o) { return (o < n) ? ("0x" b[o]) + 0 : -1 }
    function hx(v) { return sprintf("%02x", v) }
    END {
      if (n < 64) exit
      ht = byte(14)
      printf "    header_type: \"%s\"\n", hx(ht % 128)
      printf "    multifunction: %s\n", (ht >= 128) ? "true" : "false"
      if (ht % 128 == 1) printf "    secondary_bus: \"%s\"\n", hx(byte(25))
      printf "    config_head: \""
      for (i = 0; i < 64; i++) printf "%s%s", (i ? " " : ""), b[i]
      printf "\"\n"
      # Standard capabilities, bounded like Linux (48 hops).
      if (byte(6) % 32 >= 16) {
        p = byte(52) - byte(52) % 4; hops = 0
        while (p >= 64 && p < n && hops++ < 48) {
          if (byte(p) == 16) { t = int(byte(p + 2) / 16); printf "    pcie_type: %d\n", t }
          p = byte(p + 1); p = p - p % 4
        }
      }
      if (n < 260) exit
      printf "    extended_config: true\n"
      p = 256; hops = 0; acs = "false"
      while (p >= 256 && p + 3 < n && hops++ < 480) {
        hdr = byte(p) + byte(p + 1) * 256
        if (hdr == 13) { acs = "true"; printf "    acs_cap: \"%s%s\"\n", hx(byte(p + 5)), hx(byte(p + 4)) }
        nx = int((byte(p + 2) + byte(p + 3) * 256) / 16)
        if (nx == 0 || hdr == 0) break
        p = nx - nx % 4
      }
      printf "    acs: %s\n", acs
    }'
}

echo "# twinbox hw capture of $(uname -n 2>/dev/null || echo unknown)"
echo "capture-version: 1"
if [ -d "$ROOT/kernel/iommu_groups" ] && [ -n "$(ls "$ROOT/kernel/iommu_groups" 2>/dev/null)" ]; then
  echo "iommu: on"
else
  echo "iommu: off"
fi
echo "devices:"
for d in "$DEVS"/*; do
  [ -e "$d" ] || continue
  bdf=${d##*/}
  echo "  - bdf: \"$bdf\""
  for a in vendor device class subsystem_vendor subsystem_device revision; do
    v=$(attr "$d/$a")
    [ -n "$v" ] && echo "    $a: \"${v#0x}\""
  done
  bv=$(attr "$d/boot_vga"); [ -n "$bv" ] && echo "    boot_vga: $bv"
  drv=$(linkname "$d/driver"); [ -n "$drv" ] && echo "    driver: \"$drv\""
  grp=$(linkname "$d/iommu_group"); [ -n "$grp" ] && echo "    iommu_group: $grp"
  config_facts "$d/config"
done
echo "groups:"
for g in "$ROOT"/kernel/iommu_groups/*; do
  [ -d "$g/devices" ] || continue
  echo "  - id: ${g##*/}"
  echo "    devices:"
  for m in "$g"/devices/*; do
    [ -e "$m" ] || [ -L "$m" ] || continue
    echo "      - \"${m##*/}\""
  done
done

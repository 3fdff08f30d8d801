# SPDX-License-Identifier: GPL-2.0
# Helpers prepended to every scenario assertion (tests/vm/run).  The document:
#   .kernel, .scenario, .rc.NAME, .NAME (a guest output: JSON or text),
#   .qmp.oracle[]: {path, name, status: <x-query-virtio-status> + host_features,
#                   guest_features ("0x..." masks), queues: [<x-query-virtio-queue-status>]}
#   .sysfs[]: the guest's view from sysfs (tests/vm/guest/virtio-sysfs)
#   .audit: `vqwatch audit --json`
# $doc is the whole document, also inside a pipe.

# A guest output or QMP result that must exist: a plain `.audit.x` on a missing
# output is null (and `null | length` is 0), so helpers go through need().
def need($k): if .[$k] == null then error("no output \($k) in this run") else .[$k] end;
def qmp($k): .qmp | need($k);

# "0x1a" -> [1, 3, 4]: the set bits of a hex feature mask, any width.
def hexbits: ascii_downcase | ltrimstr("0x") | explode | reverse | to_entries
  | map(.key as $i | (.value | if . >= 97 then . - 87 else . - 48 end) as $d
        | range(0; 4) as $b | select((($d / pow(2; $b)) | floor) % 2 == 1) | $i * 4 + $b);

# QEMU's view of the device(s) with this virtio device id (5 balloon, 2 blk, ...).
def oracle_dev($id): qmp("oracle")[] | select(.status["device-id"] == $id);
# The guest's sysfs view of the device(s) with this virtio device id.
def sysfs_dev($id): need("sysfs")[] | select(.device_id == $id);
# vqwatch audit's device(s) of this type ("balloon", "net", ...).
def audit_dev($type): need("audit").devices[] | select(.type == $type);
# vqwatch audit's findings with this code.
def findings($code): [need("audit").findings[] | select(.code == $code)];
# The guest's negotiated features (sysfs) equal QEMU's guest-features, for
# every device QEMU knows, matched by device id (only when ids are unique).
def sysfs_matches_qemu: [qmp("oracle")[] as $o | need("sysfs")[] | select(.device_id == $o.status["device-id"])
  | .feature_bits == ($o.status.guest_features | hexbits)] | length > 0 and all;
# Same for vqwatch audit: negotiated = guest-features, queue count = num-vqs
# (QEMU counts every queue it created; compare per scenario where they differ).
def audit_features_match_qemu: [qmp("oracle")[] as $o | need("audit").devices[] | select(.type_id == $o.status["device-id"])
  | (.features.negotiated | hexbits) == ($o.status.guest_features | hexbits)] | length > 0 and all;
# QEMU's offered features as a virtio 1 (modern) driver sees them: QEMU hides
# its legacy-only transport bits from the modern interface (legacy_features:
# NOTIFY_ON_EMPTY 24, ANY_LAYOUT 27, BAD_FEATURE 30), so a driver is never offered them.
def modern_offer: hexbits - [24, 27, 30];
# ... and as a legacy (virtio 0.9) driver sees them, e.g. on QEMU's legacy
# virtio-mmio (microvm's default): the low 32 bits only, legacy bits included.
def legacy_offer: hexbits | map(select(. < 32));
# vqwatch audit asked each virtio-pci device for its offer and queue count
# (features.offered_source "device"): both equal QEMU's, for every PCI device
# QEMU knows, matched by device id (only when ids are unique).
def audit_offers_match_qemu: [qmp("oracle")[] as $o | need("audit").devices[]
  | select(.type_id == $o.status["device-id"] and .transport == "pci")
  | .features.offered_source == "device"
    and (.features.offered | hexbits) == ($o.status.host_features | modern_offer
      # QEMU's virtio-net also marks GSO (bit 6) legacy-only
      | if $o.status["device-id"] == 1 then . - [6] else . end)
    and .device_queues == $o.status["num-vqs"]] | length > 0 and all;

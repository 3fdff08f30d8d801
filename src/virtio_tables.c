// SPDX-License-Identifier: GPL-2.0
/*
 * Virtio knowledge tables: device types, feature bit names, queue tables.
 *
 * Sources (each row cites its own below):
 *  - spec: oasis-tcs/virtio-spec master 15f488c (virtio-v1.4-cs01 + later),
 *    content.tex "Device Types" ID table, "Feature Bits", "Reserved Feature
 *    Bits"; device-types/<dev>/description.tex.  "spec 5.5.2" means the
 *    Virtqueues subsection of 5.5, "5.5.3" its Feature bits.
 *  - Linux: the driver's find_vqs call gives each vq->name; uapi headers
 *    give the feature names where the spec has none.
 *
 * Conventions of these tables:
 *  - Every vq_group sets presence_bit and multi_bits explicitly: 0 is a
 *    real feature bit, so a forgotten field must not silently mean bit 0.
 *  - feature_prefix is "" (never NULL) for types that define no bits.
 *  - Roles of types with spec_section NULL (rpmsg, 9p, rproc_serial, nsm)
 *    are our names for the Linux driver's queues: the spec has no list and
 *    therefore no spec index for them.
 */
#include <string.h>
#include <strings.h>

#include "virtio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Shorthands for the two fields that must never default to 0. */
#define ALWAYS		.presence_bit = VQ_NO_BIT
#define NO_MULTI	.multi_bits = { VQ_NO_BIT, VQ_NO_BIT }, .multi_needs_bit = VQ_NO_BIT
/* A queue every device of the type has, once: spec role, Linux name, prompt. */
#define FIXED_QUEUE(role_, name_, prompt_) \
	{ .role = { role_ }, .linux_name = { name_ }, .prompt = { prompt_ }, \
	  ALWAYS, .count = COUNT_ONE, NO_MULTI }
/* A queue that exists only with feature bit_, placed last (no later queue
 * moves when it is absent). */
#define OPTIONAL_QUEUE(role_, name_, prompt_, bit_) \
	{ .role = { role_ }, .linux_name = { name_ }, .prompt = { prompt_ }, \
	  .presence_bit = (bit_), .count = COUNT_ONE, NO_MULTI }
/* A queue that exists only with feature bit_, at a place the spec fixes:
 * the spec's numbering keeps its slot when it is absent. */
#define RESERVED_QUEUE(role_, name_, prompt_, bit_) \
	{ .role = { role_ }, .linux_name = { name_ }, .prompt = { prompt_ }, \
	  .presence_bit = (bit_), .spec_reserves_slot = true, .count = COUNT_ONE, NO_MULTI }
/* Two queues every device has that the spec lists together (rx/tx of a port). */
#define FIXED_QUEUE_PAIR(role1, name1, prompt1, role2, name2, prompt2) \
	{ .role = { role1, role2 }, .linux_name = { name1, name2 }, \
	  .prompt = { prompt1, prompt2 }, ALWAYS, .count = COUNT_ONE, NO_MULTI }

/* Feature bits that create, remove or multiply queues (spec 6.2 bold). */
enum {
	NET_F_CTRL_VQ		= 17,
	NET_F_MQ		= 22,
	NET_F_RSS		= 60,
	BLK_F_MQ		= 12,
	CONSOLE_F_MULTIPORT	= 1,
	BALLOON_F_STATS_VQ	= 1,
	BALLOON_F_FREE_PAGE_HINT = 3,
	BALLOON_F_REPORTING	= 5,
	FS_F_NOTIFICATION	= 0,
	SCMI_F_P2A_CHANNELS	= 0,
	GPIO_F_IRQ		= 0,
	RTC_F_ALARM		= 0,
};

/*
 * Transport bits: content.tex "Reserved Feature Bits" (24..40, 43) plus
 * VIRTIO_F_ADMIN_VQ (41), which the spec still lists there although
 * b1d6ef6 moved 41/42 into the device range for legacy net RSC: modern
 * devices mean ADMIN_VQ.  28/29 carry Linux's VIRTIO_RING_F_ spelling.
 * 30 (UNUSED; QEMU's BAD_FEATURE) stays unnamed on purpose: it must never
 * be negotiated, so seeing it should surface as an unknown bit.
 */
static const struct vq_feature_name transport_features[] = {
	{ 24, "NOTIFY_ON_EMPTY" },	/* legacy only */
	{ 27, "ANY_LAYOUT" },		/* legacy only */
	{ 28, "RING_INDIRECT_DESC" },	/* spec VIRTIO_F_INDIRECT_DESC */
	{ 29, "RING_EVENT_IDX" },	/* spec VIRTIO_F_EVENT_IDX */
	{ 32, "VERSION_1" },
	{ 33, "ACCESS_PLATFORM" },
	{ 34, "RING_PACKED" },
	{ 35, "IN_ORDER" },
	{ 36, "ORDER_PLATFORM" },
	{ 37, "SR_IOV" },
	{ 38, "NOTIFICATION_DATA" },
	{ 39, "NOTIF_CONFIG_DATA" },
	{ 40, "RING_RESET" },
	{ 41, "ADMIN_VQ" },
	{ 43, "SUSPEND" },		/* spec f219fef (2025) */
};

/* Other spellings accepted by the parser; never printed. */
static const struct vq_feature_name transport_aliases[] = {
	{ 28, "INDIRECT_DESC" },	/* VIRTIO_F_ / VIRTIO_RING_F_INDIRECT_DESC */
	{ 29, "EVENT_IDX" },		/* VIRTIO_F_ / VIRTIO_RING_F_EVENT_IDX */
	{ 33, "IOMMU_PLATFORM" },	/* Linux's name before ACCESS_PLATFORM */
};

/* Prefixes the parser strips from transport names. */
static const char *const transport_prefixes[] = {
	"VIRTIO_F_", "VIRTIO_RING_F_", "",
};

/* Device aliases: type id, then the parse-only spelling. */
struct feature_alias {
	unsigned int type_id;
	struct vq_feature_name f;
};

static const struct feature_alias device_aliases[] = {
	/* spec 5.5.3 PAGE_REPORTING; crosvm spelling */
	{ VQ_ID_BALLOON, { BALLOON_F_REPORTING, "PAGE_REPORTING" } },
	/* Firecracker spelling */
	{ VQ_ID_BALLOON, { BALLOON_F_REPORTING, "FREE_PAGE_REPORTING" } },
	/* spec 5.2.3.1: legacy name of FLUSH */
	{ VQ_ID_BLK, { 9, "WCE" } },
};

/* ---- Feature bits per device (spec 5.x.3 unless noted) ---- */

/* spec 5.1.3 and 5.1.3.2 (legacy 6, 41, 42); include/uapi/linux/virtio_net.h */
static const struct vq_feature_name net_features[] = {
	{ 0, "CSUM" },
	{ 1, "GUEST_CSUM" },
	{ 2, "CTRL_GUEST_OFFLOADS" },
	{ 3, "MTU" },
	{ 5, "MAC" },
	{ 6, "GSO" },			/* legacy */
	{ 7, "GUEST_TSO4" },
	{ 8, "GUEST_TSO6" },
	{ 9, "GUEST_ECN" },
	{ 10, "GUEST_UFO" },
	{ 11, "HOST_TSO4" },
	{ 12, "HOST_TSO6" },
	{ 13, "HOST_ECN" },
	{ 14, "HOST_UFO" },
	{ 15, "MRG_RXBUF" },
	{ 16, "STATUS" },
	{ NET_F_CTRL_VQ, "CTRL_VQ" },	/* controlq exists */
	{ 18, "CTRL_RX" },
	{ 19, "CTRL_VLAN" },
	{ 20, "CTRL_RX_EXTRA" },
	{ 21, "GUEST_ANNOUNCE" },
	{ NET_F_MQ, "MQ" },		/* N queue pairs */
	{ 23, "CTRL_MAC_ADDR" },
	/* legacy only; virtio_feature_name() gives ADMIN_VQ for 41 */
	{ 41, "GUEST_RSC4" },
	{ 42, "GUEST_RSC6" },		/* legacy only */
	{ 50, "DEVICE_STATS" },
	{ 51, "HASH_TUNNEL" },
	{ 52, "VQ_NOTF_COAL" },
	{ 53, "NOTF_COAL" },
	{ 54, "GUEST_USO4" },
	{ 55, "GUEST_USO6" },
	{ 56, "HOST_USO" },
	{ 57, "HASH_REPORT" },
	{ 59, "GUEST_HDRLEN" },
	{ NET_F_RSS, "RSS" },		/* also N queue pairs */
	{ 61, "RSC_EXT" },
	{ 62, "STANDBY" },
	{ 63, "SPEED_DUPLEX" },
	{ 64, "RSS_CONTEXT" },
	{ 65, "GUEST_UDP_TUNNEL_GSO" },
	{ 66, "GUEST_UDP_TUNNEL_GSO_CSUM" },
	{ 67, "HOST_UDP_TUNNEL_GSO" },
	{ 68, "HOST_UDP_TUNNEL_GSO_CSUM" },
	{ 69, "OUT_NET_HEADER" },
	{ 70, "IPSEC" },
};

/* spec 5.2.3 and 5.2.3.1 (legacy 0, 7) */
static const struct vq_feature_name blk_features[] = {
	{ 0, "BARRIER" },		/* legacy */
	{ 1, "SIZE_MAX" },
	{ 2, "SEG_MAX" },
	{ 4, "GEOMETRY" },
	{ 5, "RO" },
	{ 6, "BLK_SIZE" },
	{ 7, "SCSI" },			/* legacy */
	{ 9, "FLUSH" },			/* legacy alias WCE */
	{ 10, "TOPOLOGY" },
	{ 11, "CONFIG_WCE" },
	{ BLK_F_MQ, "MQ" },		/* N request queues */
	{ 13, "DISCARD" },
	{ 14, "WRITE_ZEROES" },
	{ 15, "LIFETIME" },
	{ 16, "SECURE_ERASE" },
	{ 17, "ZONED" },
};

/* spec 5.3.3 */
static const struct vq_feature_name console_features[] = {
	{ 0, "SIZE" },
	{ CONSOLE_F_MULTIPORT, "MULTIPORT" },	/* control queues, ports 1.. */
	{ 2, "EMERG_WRITE" },
};

/*
 * spec 5.5.3.  Bit 5 is the spec's PAGE_REPORTING; we print Linux's (and
 * QEMU's, cloud-hypervisor's) REPORTING, the parser takes both.  Bits 6, 7
 * and 8 are deliberately absent: crosvm used 6/7 for RESPONSIVE_DEVICE and
 * EVENTS_VQ (removed 2024) and uses 8 for WS_REPORTING; spec issue #244
 * proposes different meanings for 6/7.  None is standard.
 */
static const struct vq_feature_name balloon_features[] = {
	{ 0, "MUST_TELL_HOST" },
	{ BALLOON_F_STATS_VQ, "STATS_VQ" },		/* statsq */
	{ 2, "DEFLATE_ON_OOM" },
	{ BALLOON_F_FREE_PAGE_HINT, "FREE_PAGE_HINT" },	/* free_page_vq */
	{ 4, "PAGE_POISON" },
	{ BALLOON_F_REPORTING, "REPORTING" },		/* reporting_vq */
};

/* spec 5.6.3 */
static const struct vq_feature_name scsi_features[] = {
	{ 0, "INOUT" },
	{ 1, "HOTPLUG" },
	{ 2, "CHANGE" },
	{ 3, "T10_PI" },
};

/* no spec section; include/uapi/linux/virtio_9p.h VIRTIO_9P_MOUNT_TAG */
static const struct vq_feature_name p9_features[] = {
	{ 0, "MOUNT_TAG" },
};

/* no spec section; drivers/rpmsg/virtio_rpmsg_bus.c VIRTIO_RPMSG_F_NS */
static const struct vq_feature_name rpmsg_features[] = {
	{ 0, "NS" },
};

/* spec 5.7.3 */
static const struct vq_feature_name gpu_features[] = {
	{ 0, "VIRGL" },
	{ 1, "EDID" },
	{ 2, "RESOURCE_UUID" },
	{ 3, "RESOURCE_BLOB" },
	{ 4, "CONTEXT_INIT" },
	{ 5, "BLOB_ALIGNMENT" },
};

/* spec 5.23.3 */
static const struct vq_feature_name rtc_features[] = {
	{ RTC_F_ALARM, "ALARM" },	/* alarmq */
};

/* spec 5.10.3 */
static const struct vq_feature_name vsock_features[] = {
	{ 0, "STREAM" },
	{ 1, "SEQPACKET" },
	{ 2, "NO_IMPLIED_STREAM" },
};

/* spec 5.9.3 */
static const struct vq_feature_name crypto_features[] = {
	{ 0, "REVISION_1" },
	{ 1, "CIPHER_STATELESS_MODE" },
	{ 2, "HASH_STATELESS_MODE" },
	{ 3, "MAC_STATELESS_MODE" },
	{ 4, "AEAD_STATELESS_MODE" },
	{ 5, "AKCIPHER_STATELESS_MODE" },
};

/* spec 5.13.3 */
static const struct vq_feature_name iommu_features[] = {
	{ 0, "INPUT_RANGE" },
	{ 1, "DOMAIN_RANGE" },
	{ 2, "MAP_UNMAP" },
	{ 3, "BYPASS" },
	{ 4, "PROBE" },
	{ 5, "MMIO" },
	{ 6, "BYPASS_CONFIG" },
};

/* spec 5.15.3 */
static const struct vq_feature_name mem_features[] = {
	{ 0, "ACPI_PXM" },
	{ 1, "UNPLUGGED_INACCESSIBLE" },
	{ 2, "PERSISTENT_SUSPEND" },
};

/* spec 5.14.3 */
static const struct vq_feature_name sound_features[] = {
	{ 0, "CTLS" },
};

/* spec 5.11.3 */
static const struct vq_feature_name fs_features[] = {
	{ FS_F_NOTIFICATION, "NOTIFICATION" },	/* notification queue */
};

/* spec 5.19.3 */
static const struct vq_feature_name pmem_features[] = {
	{ 0, "SHMEM_REGION" },
};

/* spec 5.17.3 */
static const struct vq_feature_name scmi_features[] = {
	{ SCMI_F_P2A_CHANNELS, "P2A_CHANNELS" },	/* eventq */
	{ 1, "SHARED_MEMORY" },
};

/* spec 5.16.3 */
static const struct vq_feature_name i2c_features[] = {
	{ 0, "ZERO_LENGTH_REQUEST" },
};

/* spec 5.20.3 */
static const struct vq_feature_name can_features[] = {
	{ 0, "CAN_CLASSIC" },
	{ 1, "CAN_FD" },
	{ 2, "RTR_FRAMES" },
	{ 3, "LATE_TX_ACK" },
};

/* spec 5.18.3 */
static const struct vq_feature_name gpio_features[] = {
	{ GPIO_F_IRQ, "IRQ" },		/* eventq */
};

/* ---- Queue tables (spec 5.x.2; Linux driver's find_vqs) ---- */

/*
 * spec 5.1.2: receiveq1/transmitq1 .. receiveqN/transmitqN, controlq at 2N;
 * N > 1 only with MQ or RSS negotiated.  drivers/net/virtio_net.c
 * virtnet_find_vqs(): "input.%u"/"output.%u", "control".
 */
static const struct vq_group net_groups[] = {
	{
		.role = { "receiveq%u", "transmitq%u" },
		.linux_name = { "input.%u", "output.%u" },
		.prompt = { false, true },
		ALWAYS,
		.count = COUNT_N,
		.multi_bits = { NET_F_MQ, NET_F_RSS },
		/* virtnet_probe(): pairs beyond one need the control queue */
		.multi_needs_bit = NET_F_CTRL_VQ,
		.role_base = 1,
		.name_base = 0,
		.device_follows_negotiation = true,
	},
	{
		.role = { "controlq" },
		.linux_name = { "control" },
		.prompt = { true },
		.presence_bit = NET_F_CTRL_VQ,
		.count = COUNT_ONE,
		NO_MULTI,
		.device_follows_negotiation = true,
	},
};

/*
 * spec 5.2.2: requestq1..N, N > 1 only with MQ.  drivers/block/virtio_blk.c
 * init_vq(): "req.%u" (trailing poll queues "req_poll.%u" not modelled).
 */
static const struct vq_group blk_groups[] = {
	{
		.role = { "requestq%u" },
		.linux_name = { "req.%u" },
		.prompt = { true },
		ALWAYS,
		.count = COUNT_N,
		.multi_bits = { BLK_F_MQ, VQ_NO_BIT },
		.multi_needs_bit = VQ_NO_BIT,
		.role_base = 1,
		.name_base = 0,
	},
};

/*
 * spec 5.3.2: port 0 rx/tx, then with MULTIPORT the control pair and
 * ports 1..max_nr_ports-1.  drivers/char/virtio_console.c init_vqs():
 * "input"/"output" for every port (no number), "control-i"/"control-o".
 */
static const struct vq_group console_groups[] = {
	FIXED_QUEUE_PAIR("receiveq0", "input", false,
			 "transmitq0", "output", true),
	{
		.role = { "control_receiveq", "control_transmitq" },
		.linux_name = { "control-i", "control-o" },
		.prompt = { false, true },
		.presence_bit = CONSOLE_F_MULTIPORT,
		.count = COUNT_ONE,
		NO_MULTI,
	},
	{
		.role = { "receiveq%u", "transmitq%u" },
		.linux_name = { "input", "output" },
		.prompt = { false, true },
		.presence_bit = CONSOLE_F_MULTIPORT,
		.count = COUNT_N_MINUS_ONE,
		NO_MULTI,
		.role_base = 1,
	},
};

/*
 * spec 5.4.2: requestq.  drivers/char/hw_random/virtio-rng.c probe_common():
 * "input".  Not prompt: the driver keeps one buffer posted and the device
 * completes it only when it has entropy to give, so a long wait is normal.
 */
static const struct vq_group rng_groups[] = {
	FIXED_QUEUE("requestq", "input", false),
};

/*
 * spec 5.5.2: 0 inflateq, 1 deflateq, 2 statsq, 3 free_page_vq,
 * 4 reporting_vq, each optional one "only exists if" its bit "is set".
 * drivers/virtio/virtio_balloon.c init_vqs(): NULL names for absent queues,
 * so Linux numbers densely over negotiated features (reference 5).
 * statsq is not prompt: the device holds the stats buffer until it wants
 * the next sample.
 */
static const struct vq_group balloon_groups[] = {
	FIXED_QUEUE("inflateq", "inflate", true),
	FIXED_QUEUE("deflateq", "deflate", true),
	RESERVED_QUEUE("statsq", "stats", false, BALLOON_F_STATS_VQ),
	RESERVED_QUEUE("free_page_vq", "free_page_vq", true, BALLOON_F_FREE_PAGE_HINT),
	RESERVED_QUEUE("reporting_vq", "reporting_vq", true, BALLOON_F_REPORTING),
};

/*
 * No spec section (ID 7 reserved).  drivers/rpmsg/virtio_rpmsg_bus.c
 * rpmsg_probe(): 0 "input" (rx), 1 "output" (tx).
 */
static const struct vq_group rpmsg_groups[] = {
	FIXED_QUEUE_PAIR("receiveq", "input", false,
			 "transmitq", "output", true),
};

/*
 * spec 5.6.2: 0 controlq, 1 eventq, 2..n request queues (num_queues from
 * config, no feature).  drivers/scsi/virtio_scsi.c virtscsi_init():
 * "control", "event", "request" (no number; "request_poll" not modelled).
 */
static const struct vq_group scsi_groups[] = {
	FIXED_QUEUE("controlq", "control", true),
	FIXED_QUEUE("eventq", "event", false),
	{
		.role = { "requestq%u" },
		.linux_name = { "request" },
		.prompt = { true },
		ALWAYS,
		.count = COUNT_N,
		NO_MULTI,
		.role_base = 1,
	},
};

/* No spec section (ID 9 reserved).  net/9p/trans_virtio.c p9_virtio_probe(): "requests". */
static const struct vq_group p9_groups[] = {
	FIXED_QUEUE("requestq", "requests", true),
};

/*
 * No spec section (ID 11 reserved).  drivers/char/virtio_console.c
 * virtio_rproc_serial: virtcons_probe() with an empty feature table, so
 * MULTIPORT is never negotiated and init_vqs() makes port 0 only.
 */
static const struct vq_group rproc_serial_groups[] = {
	FIXED_QUEUE_PAIR("receiveq0", "input", false,
			 "transmitq0", "output", true),
};

/* spec 5.7.2.  drivers/gpu/drm/virtio/virtgpu_kms.c virtio_gpu_init(): "control", "cursor". */
static const struct vq_group gpu_groups[] = {
	FIXED_QUEUE("controlq", "control", true),
	FIXED_QUEUE("cursorq", "cursor", true),
};

/*
 * spec 5.23.2: alarmq only if ALARM negotiated (last, no shift).
 * drivers/virtio/virtio_rtc_driver.c viortc_init_vqs(): "requestq", "alarmq".
 */
static const struct vq_group rtc_groups[] = {
	FIXED_QUEUE("requestq", "requestq", true),
	OPTIONAL_QUEUE("alarmq", "alarmq", false, RTC_F_ALARM),
};

/* spec 5.8.2.  drivers/virtio/virtio_input.c virtinput_init_vqs(): "events", "status". */
static const struct vq_group input_groups[] = {
	FIXED_QUEUE("eventq", "events", false),
	FIXED_QUEUE("statusq", "status", true),
};

/* spec 5.10.2.  net/vmw_vsock/virtio_transport.c virtio_vsock_vqs_init(): "rx", "tx", "event". */
static const struct vq_group vsock_groups[] = {
	FIXED_QUEUE("rx", "rx", false),
	FIXED_QUEUE("tx", "tx", true),
	FIXED_QUEUE("event", "event", false),
};

/*
 * spec 5.9.2: dataq1..N, controlq at N (N = max_dataqueues, no feature).
 * drivers/crypto/virtio/virtio_crypto_core.c virtcrypto_find_vqs():
 * "dataq.%u", "controlq".
 */
static const struct vq_group crypto_groups[] = {
	{
		.role = { "dataq%u" },
		.linux_name = { "dataq.%u" },
		.prompt = { true },
		ALWAYS,
		.count = COUNT_N,
		NO_MULTI,
		.role_base = 1,
		.name_base = 0,
	},
	FIXED_QUEUE("controlq", "controlq", true),
};

/* spec 5.13.2.  drivers/iommu/virtio-iommu.c viommu_init_vqs(): "request", "event". */
static const struct vq_group iommu_groups[] = {
	FIXED_QUEUE("requestq", "request", true),
	FIXED_QUEUE("eventq", "event", false),
};

/* spec 5.15.2.  drivers/virtio/virtio_mem.c virtio_mem_init_vq(): "guest-request". */
static const struct vq_group mem_groups[] = {
	FIXED_QUEUE("guest-request", "guest-request", true),
};

/*
 * spec 5.14.2.  sound/virtio/virtio_card.c virtsnd_find_vqs():
 * "virtsnd-ctl", "virtsnd-event", "virtsnd-tx", "virtsnd-rx".
 */
static const struct vq_group sound_groups[] = {
	FIXED_QUEUE("controlq", "virtsnd-ctl", true),
	FIXED_QUEUE("eventq", "virtsnd-event", false),
	FIXED_QUEUE("txq", "virtsnd-tx", true),
	FIXED_QUEUE("rxq", "virtsnd-rx", false),
};

/*
 * spec 5.11.2: 0 hiprio, 1 notification queue (NOTIFICATION), 2..n request
 * queues; the spec does not say where requests start without the
 * notification queue.  fs/fuse/virtio_fs.c virtio_fs_setup_vqs(): "hiprio",
 * "requests.%u" from index 1.  Mainline never negotiates NOTIFICATION, so
 * "notification" is our placeholder name, not a string Linux creates.
 * The device holds notification buffers until it has something to say.
 */
static const struct vq_group fs_groups[] = {
	FIXED_QUEUE("hiprio", "hiprio", true),
	RESERVED_QUEUE("notificationq", "notification", false, FS_F_NOTIFICATION),
	{
		.role = { "requestq%u" },
		.linux_name = { "requests.%u" },
		.prompt = { true },
		ALWAYS,
		.count = COUNT_N,
		NO_MULTI,
		.role_base = 1,
		.name_base = 0,
	},
};

/* spec 5.19.2.  drivers/nvdimm/virtio_pmem.c init_vq(): "flush_queue". */
static const struct vq_group pmem_groups[] = {
	FIXED_QUEUE("req_vq", "flush_queue", true),
};

/* spec 5.12.2.  No mainline Linux driver. */
static const struct vq_group rpmb_groups[] = {
	FIXED_QUEUE("requestq", NULL, true),
};

/*
 * spec 5.17.2: eventq only if P2A_CHANNELS negotiated (last, no shift).
 * drivers/firmware/arm_scmi/transports/virtio.c scmi_vio_probe(): "tx", "rx".
 */
static const struct vq_group scmi_groups[] = {
	FIXED_QUEUE("cmdq", "tx", true),
	OPTIONAL_QUEUE("eventq", "rx", false, SCMI_F_P2A_CHANNELS),
};

/* No spec section (ID 33 reserved).  drivers/misc/nsm.c nsm_device_init_vq(): "nsm.vq.0". */
static const struct vq_group nsm_groups[] = {
	FIXED_QUEUE("requestq", "nsm.vq.0", true),
};

/* spec 5.16.2.  drivers/i2c/busses/i2c-virtio.c virtio_i2c_setup_vqs(): "msg". */
static const struct vq_group i2c_groups[] = {
	FIXED_QUEUE("requestq", "msg", true),
};

/* spec 5.20.2 (Txq, Rxq, Controlq).  No mainline Linux driver. */
static const struct vq_group can_groups[] = {
	FIXED_QUEUE("txq", NULL, true),
	FIXED_QUEUE("rxq", NULL, false),
	FIXED_QUEUE("controlq", NULL, true),
};

/*
 * spec 5.18.2: eventq only if IRQ negotiated (last, no shift).
 * drivers/gpio/gpio-virtio.c virtio_gpio_alloc_vqs(): "requestq", "eventq".
 */
static const struct vq_group gpio_groups[] = {
	FIXED_QUEUE("requestq", "requestq", true),
	OPTIONAL_QUEUE("eventq", "eventq", false, GPIO_F_IRQ),
};

/* spec 5.21.2.  drivers/spi/spi-virtio.c virtio_spi_find_vqs(): "spi-rq". */
static const struct vq_group spi_groups[] = {
	FIXED_QUEUE("requestq", "spi-rq", true),
};

/* spec 5.22.2.  No mainline Linux driver. */
static const struct vq_group media_groups[] = {
	FIXED_QUEUE("commandq", NULL, true),
	FIXED_QUEUE("eventq", NULL, false),
};

/* ---- Device types: content.tex "Device Types" ID table ---- */

#define FEATURES(a)	.features = (a), .n_features = ARRAY_SIZE(a)
#define GROUPS(a)	.groups = (a), .n_groups = ARRAY_SIZE(a)

/* An ID the spec only reserves (no section), with no known queue table. */
#define RESERVED(i, n, t) \
	{ .id = (i), .name = (n), .title = (t), .feature_prefix = "" }

static const struct vq_device_type types[] = {
	{ .id = 1, .name = "net", .title = "Network",
	  .feature_prefix = "VIRTIO_NET_F_", .spec_section = "5.1",
	  FEATURES(net_features), GROUPS(net_groups),
	  .queues_meaning = "queue pairs (max_virtqueue_pairs)",
	  /* spec 5.1.4: max_virtqueue_pairs 1 to 0x8000
	   * (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX) */
	  .queues_max = 0x8000 },
	{ .id = VQ_ID_BLK, .name = "blk", .title = "Block",
	  .feature_prefix = "VIRTIO_BLK_F_", .spec_section = "5.2",
	  FEATURES(blk_features), GROUPS(blk_groups),
	  .queues_meaning = "request queues (num_queues)",
	  .queues_max = 0xffff },	/* spec 5.2.4: num_queues is le16 */
	{ .id = 3, .name = "console", .title = "Console",
	  .feature_prefix = "VIRTIO_CONSOLE_F_", .spec_section = "5.3",
	  FEATURES(console_features), GROUPS(console_groups),
	  .queues_meaning = "ports (max_nr_ports)",
	  /* 2 + 2 + 2 (N - 1) queues within 65536 */
	  .queues_max = 32767 },
	{ .id = 4, .name = "rng", .title = "Entropy",
	  .feature_prefix = "", .spec_section = "5.4",
	  GROUPS(rng_groups) },
	{ .id = VQ_ID_BALLOON, .name = "balloon", .title = "Traditional Memory Balloon",
	  .feature_prefix = "VIRTIO_BALLOON_F_", .spec_section = "5.5",
	  FEATURES(balloon_features), GROUPS(balloon_groups) },
	RESERVED(6, "iomem", "ioMemory"),
	{ .id = 7, .name = "rpmsg", .title = "rpmsg",
	  .feature_prefix = "VIRTIO_RPMSG_F_",
	  FEATURES(rpmsg_features), GROUPS(rpmsg_groups) },
	{ .id = VQ_ID_SCSI, .name = "scsi", .title = "SCSI Host",
	  .feature_prefix = "VIRTIO_SCSI_F_", .spec_section = "5.6",
	  FEATURES(scsi_features), GROUPS(scsi_groups),
	  .queues_meaning = "request queues (num_queues)",
	  .queues_max = 65534 },	/* control, event and N within 65536 */
	{ .id = 9, .name = "9p", .title = "9P Transport",
	  .feature_prefix = "VIRTIO_9P_",	/* uapi virtio_9p.h has no _F_ */
	  FEATURES(p9_features), GROUPS(p9_groups) },
	RESERVED(10, "mac80211_wlan", "mac80211 WLAN"),
	{ .id = 11, .name = "rproc_serial", .title = "rproc Serial",
	  .feature_prefix = "", GROUPS(rproc_serial_groups) },
	RESERVED(12, "caif", "CAIF"),
	RESERVED(13, "memory_balloon", "Memory Balloon (new interface)"),
	{ .id = 16, .name = "gpu", .title = "GPU",
	  .feature_prefix = "VIRTIO_GPU_F_", .spec_section = "5.7",
	  FEATURES(gpu_features), GROUPS(gpu_groups) },
	/* Linux VIRTIO_ID_CLOCK */
	{ .id = 17, .name = "rtc", .title = "RTC (Real Time Clock)",
	  .feature_prefix = "VIRTIO_RTC_F_", .spec_section = "5.23",
	  FEATURES(rtc_features), GROUPS(rtc_groups) },
	{ .id = 18, .name = "input", .title = "Input",
	  .feature_prefix = "", .spec_section = "5.8",
	  GROUPS(input_groups) },
	{ .id = 19, .name = "vsock", .title = "Socket (vsock)",
	  .feature_prefix = "VIRTIO_VSOCK_F_", .spec_section = "5.10",
	  FEATURES(vsock_features), GROUPS(vsock_groups) },
	{ .id = 20, .name = "crypto", .title = "Crypto",
	  .feature_prefix = "VIRTIO_CRYPTO_F_", .spec_section = "5.9",
	  FEATURES(crypto_features), GROUPS(crypto_groups),
	  .queues_meaning = "data queues (max_dataqueues)",
	  .queues_max = 65535 },	/* N and control within 65536 */
	RESERVED(21, "signal_dist", "Signal Distribution Module"),
	RESERVED(22, "pstore", "pstore"),
	{ .id = 23, .name = "iommu", .title = "IOMMU",
	  .feature_prefix = "VIRTIO_IOMMU_F_", .spec_section = "5.13",
	  FEATURES(iommu_features), GROUPS(iommu_groups) },
	{ .id = 24, .name = "mem", .title = "Memory",
	  .feature_prefix = "VIRTIO_MEM_F_", .spec_section = "5.15",
	  FEATURES(mem_features), GROUPS(mem_groups) },
	{ .id = 25, .name = "sound", .title = "Sound",
	  .feature_prefix = "VIRTIO_SND_F_", .spec_section = "5.14",
	  FEATURES(sound_features), GROUPS(sound_groups) },
	{ .id = 26, .name = "fs", .title = "File System",
	  .feature_prefix = "VIRTIO_FS_F_", .spec_section = "5.11",
	  FEATURES(fs_features), GROUPS(fs_groups),
	  .queues_meaning = "request queues (num_request_queues)",
	  /* hiprio, notification and N within 65536 */
	  .queues_max = 65534 },
	{ .id = 27, .name = "pmem", .title = "PMEM",
	  .feature_prefix = "VIRTIO_PMEM_F_", .spec_section = "5.19",
	  FEATURES(pmem_features), GROUPS(pmem_groups) },
	{ .id = 28, .name = "rpmb", .title = "RPMB",
	  .feature_prefix = "", .spec_section = "5.12",
	  GROUPS(rpmb_groups) },
	/* Linux driver exists; queue names unverified (reference 3), so none. */
	RESERVED(29, "mac80211_hwsim", "mac80211 hwsim Wireless Simulation"),
	RESERVED(30, "video_encoder", "Video Encoder"),
	RESERVED(31, "video_decoder", "Video Decoder"),
	{ .id = 32, .name = "scmi", .title = "SCMI",
	  .feature_prefix = "VIRTIO_SCMI_F_", .spec_section = "5.17",
	  FEATURES(scmi_features), GROUPS(scmi_groups) },
	{ .id = 33, .name = "nsm", .title = "NitroSecureModule",
	  .feature_prefix = "", GROUPS(nsm_groups) },
	{ .id = 34, .name = "i2c", .title = "I2C Adapter",
	  .feature_prefix = "VIRTIO_I2C_F_", .spec_section = "5.16",
	  FEATURES(i2c_features), GROUPS(i2c_groups) },
	RESERVED(35, "watchdog", "Watchdog"),
	{ .id = 36, .name = "can", .title = "CAN",
	  .feature_prefix = "VIRTIO_CAN_F_", .spec_section = "5.20",
	  FEATURES(can_features), GROUPS(can_groups) },
	/* Not in the spec's table: Linux-only VIRTIO_ID_DMABUF (uapi virtio_ids.h). */
	RESERVED(37, "dmabuf", "dmabuf (Linux only)"),
	RESERVED(38, "param_server", "Parameter Server"),
	RESERVED(39, "audio_policy", "Audio Policy"),
	RESERVED(40, "bluetooth", "Bluetooth"),
	{ .id = 41, .name = "gpio", .title = "GPIO",
	  .feature_prefix = "VIRTIO_GPIO_F_", .spec_section = "5.18",
	  FEATURES(gpio_features), GROUPS(gpio_groups) },
	RESERVED(42, "rdma", "RDMA"),
	RESERVED(43, "camera", "Camera"),
	RESERVED(44, "ism", "ISM"),
	{ .id = 45, .name = "spi", .title = "SPI Controller",
	  .feature_prefix = "", .spec_section = "5.21",
	  GROUPS(spi_groups) },
	RESERVED(46, "tee", "TEE"),
	RESERVED(47, "cpu_balloon", "CPU Balloon"),
	{ .id = 48, .name = "media", .title = "Media",
	  .feature_prefix = "", .spec_section = "5.22",
	  GROUPS(media_groups) },
	RESERVED(49, "usb", "USB Controller"),
};

/* ---- Look-ups ---- */

const struct vq_device_type *virtio_type_at(size_t i)
{
	return i < ARRAY_SIZE(types) ? &types[i] : NULL;
}

const struct vq_device_type *virtio_type_by_id(unsigned int id)
{
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i].id == id)
			return &types[i];
	return NULL;
}

const struct vq_device_type *virtio_type_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcasecmp(types[i].name, name))
			return &types[i];
	return NULL;
}

static const char *table_name(const struct vq_feature_name *t, size_t n, unsigned int bit)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].bit == bit)
			return t[i].name;
	return NULL;
}

const char *virtio_transport_feature_name(unsigned int bit)
{
	return table_name(transport_features, ARRAY_SIZE(transport_features), bit);
}

/*
 * The transport name wins where there is one (24..43), so 41 reads
 * ADMIN_VQ even for net; any other bit takes the device's name.
 */
const char *virtio_feature_name(const struct vq_device_type *type, unsigned int bit)
{
	const char *name = virtio_transport_feature_name(bit);

	if (name || !type)
		return name;
	return table_name(type->features, type->n_features, bit);
}

/* Case-insensitive: does s (len n) start with prefix?  Returns the rest. */
static const char *skip_prefix(const char *s, size_t *n, const char *prefix)
{
	size_t pl = strlen(prefix);

	if (pl >= *n || strncasecmp(s, prefix, pl))
		return NULL;
	*n -= pl;
	return s + pl;
}

static int table_bit(const struct vq_feature_name *t, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && !strncasecmp(t[i].name, s, len))
			return (int)t[i].bit;
	return -1;
}

static int device_bit(const struct vq_device_type *type, const char *s, size_t len)
{
	int bit = table_bit(type->features, type->n_features, s, len);

	for (size_t i = 0; bit < 0 && i < ARRAY_SIZE(device_aliases); i++)
		if (device_aliases[i].type_id == type->id)
			bit = table_bit(&device_aliases[i].f, 1, s, len);
	return bit;
}

static int transport_bit(const char *s, size_t len)
{
	int bit = table_bit(transport_features, ARRAY_SIZE(transport_features), s, len);

	if (bit < 0)
		bit = table_bit(transport_aliases, ARRAY_SIZE(transport_aliases), s, len);
	return bit;
}

int virtio_feature_parse(const struct vq_device_type *type, const char *name)
{
	const char *s, *rest;
	size_t len, n;
	int bit = -1;

	if (!name)
		return -1;
	/* tolerate "STATS_VQ, REPORTING" split on commas */
	while (*name == ' ' || *name == '\t')
		name++;
	len = strlen(name);
	while (len && (name[len - 1] == ' ' || name[len - 1] == '\t' || name[len - 1] == '\n'))
		len--;
	if (!len)
		return -1;

	if (type) {
		n = len;
		rest = type->feature_prefix[0] ? skip_prefix(name, &n, type->feature_prefix) : NULL;
		s = rest ? rest : name;
		bit = device_bit(type, s, rest ? n : len);
	}
	for (size_t i = 0; bit < 0 && i < ARRAY_SIZE(transport_prefixes); i++) {
		n = len;
		s = transport_prefixes[i][0] ? skip_prefix(name, &n, transport_prefixes[i]) : name;
		if (s)
			bit = transport_bit(s, n);
	}
	return bit;
}

/* Does role match pattern, whose one "%u" stands for a decimal number? */
static bool role_matches(const char *pattern, const char *role)
{
	const char *num = strstr(pattern, "%u");
	size_t pre, digits = 0;

	if (!num)
		return !strcmp(pattern, role);
	pre = (size_t)(num - pattern);
	if (strncmp(pattern, role, pre))
		return false;
	while (role[pre + digits] >= '0' && role[pre + digits] <= '9')
		digits++;
	return digits > 0 && !strcmp(num + 2, role + pre + digits);
}

bool virtio_role_prompt(const struct vq_device_type *type, const char *role)
{
	if (!type || !role || !role[0])
		return false;
	for (size_t gi = 0; type->groups && gi < type->n_groups; gi++) {
		const struct vq_group *g = &type->groups[gi];

		for (size_t k = 0; k < VQ_GROUP_MAX_ROLES && g->role[k]; k++)
			if (role_matches(g->role[k], role))
				return g->prompt[k];
	}
	return false;
}

/*
 * Queues whose Linux driver puts one scatterlist element in every buffer
 * (5.10 to 6.18): a packed ring's descriptors are its buffers there, with
 * indirect descriptors or without (QEMU's balloon does not negotiate
 * them).  Not listed: queues with longer buffers (blk requests, net's
 * control and transmit queues, the balloon's reporting_vq, up to 32 pages
 * of free page reports per buffer) and those not checked.
 */
static const struct single_element_queue {
	unsigned int type_id;
	const char *linux_name;
} single_element_queues[] = {
	/* virtio_balloon.c tell_host(), stats_handle_request(),
	 * init_vqs(), send_cmd_id_start(), get_free_page_and_send():
	 * sg_init_one each */
	{ VQ_ID_BALLOON, "inflate" },
	{ VQ_ID_BALLOON, "deflate" },
	{ VQ_ID_BALLOON, "stats" },
	{ VQ_ID_BALLOON, "free_page_vq" },
	/* virtio-rng.c request_entropy(): sg_init_one */
	{ VQ_ID_RNG, "input" },
};

bool virtio_queue_single_element(unsigned int type_id, const char *linux_name)
{
	for (size_t i = 0; linux_name && i < ARRAY_SIZE(single_element_queues); i++)
		if (single_element_queues[i].type_id == type_id &&
		    !strcmp(single_element_queues[i].linux_name, linux_name))
			return true;
	return false;
}

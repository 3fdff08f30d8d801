// SPDX-License-Identifier: GPL-2.0
/*
 * vq_declining_balloon: a TEST-ONLY virtio balloon driver for vqwatch's VM
 * test bed (tests/vm/README.md, "Test modules").  Never load it anywhere but
 * a throwaway guest.
 *
 * It is Linux's virtio_balloon cut down, with one deliberate difference: its
 * feature table holds only STATS_VQ and REPORTING.  Offered FREE_PAGE_HINT as
 * well (QEMU's free-page-hint=on), it declines it, and it numbers its queues
 * as Linux does, sequentially over the features it negotiated:
 *
 *   slot (Linux's)    0 inflate  1 deflate  2 stats  3 -             4 reporting_vq
 *   driver's queue    0          1          2                        3
 *   QEMU's queue      0          1          2        3 free_page_vq  4 reporting_vq
 *
 * QEMU numbers its queues by what it offered, so every free page report this
 * driver sends on its queue 3 is consumed by QEMU's free page hint queue and
 * QEMU's reporting queue never moves; nothing logs it.  That is the
 * misnumbering vqwatch's `offered-not-negotiated` finding is about.
 *
 * What it does, as Linux does it: inflates and deflates toward the device's
 * num_pages (on a config change), in batches of 256 PFNs on inflate/deflate,
 * updating `actual`; keeps one stats buffer on stats; reports free pages
 * through mm's page_reporting (scatterlists as inbufs on reporting_vq).  And
 * one thing Linux does not: at probe it reports one page of its own on
 * reporting_vq and waits for it to come back, so at least one report is
 * certain however the allocator's free lists look.
 *
 * poll_reporting=1 (arm64 guests): reporting_vq runs without interrupts and
 * its buffers are polled back.  QEMU 7.2 completes buffers of its free page
 * hint queue in its iothread and raises the interrupt from there without the
 * big QEMU lock: on arm's GIC that aborts QEMU ("tcg_handle_interrupt:
 * assertion failed: (qemu_mutex_iothread_locked())", seen on -M virt with
 * TCG as soon as this driver's probe report came back), while x86's IOAPIC
 * delivers through an MMIO write, which takes the lock.  The misnumbering
 * itself is unchanged: QEMU still consumes the reports on its queue 3.
 *
 * No MODULE_DEVICE_TABLE: it must never be loaded automatically.
 */
#include <linux/module.h>
#include <linux/version.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_ring.h>
#include <linux/scatterlist.h>
#include <linux/page_reporting.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

static bool poll_reporting;
module_param(poll_reporting, bool, 0444);
MODULE_PARM_DESC(poll_reporting, "poll reporting_vq instead of taking its interrupts (QEMU 7.2 on arm64)");

/* Linux's slots (drivers/virtio/virtio_balloon.c); a slot without a name is
 * not created and takes no queue index. */
enum { SLOT_INFLATE, SLOT_DEFLATE, SLOT_STATS, SLOT_FREE_PAGE, SLOT_REPORTING, SLOT_MAX };

#define PFNS_MAX 256		/* VIRTIO_BALLOON_ARRAY_PFNS_MAX */
#define N_STATS 2

struct vdb {
	struct virtio_device *vdev;
	struct virtqueue *vqs[SLOT_MAX];
	wait_queue_head_t acked;
	struct work_struct update_work, stats_work;
	spinlock_t stop_lock;
	bool stop;
	struct mutex lock;		/* pages, num_pages, pfns */
	struct list_head pages;
	unsigned int num_pages;
	__virtio32 pfns[PFNS_MAX];
	struct virtio_balloon_stat stats[N_STATS];
	struct page *probe_page;	/* the probe's own report; freed after reset */
	struct page_reporting_dev_info pr;
	bool pr_registered;
};

static void balloon_ack(struct virtqueue *vq)
{
	struct vdb *vb = vq->vdev->priv;

	wake_up(&vb->acked);
}

static void queue_unless_stopping(struct vdb *vb, struct work_struct *w)
{
	unsigned long flags;

	spin_lock_irqsave(&vb->stop_lock, flags);
	if (!vb->stop)
		queue_work(system_freezable_wq, w);
	spin_unlock_irqrestore(&vb->stop_lock, flags);
}

static void stats_request(struct virtqueue *vq)
{
	struct vdb *vb = vq->vdev->priv;

	queue_unless_stopping(vb, &vb->stats_work);
}

static void config_changed(struct virtio_device *vdev)
{
	struct vdb *vb = vdev->priv;

	queue_unless_stopping(vb, &vb->update_work);
}

/* Send vb->pfns[0..n) on vq and wait for the device to use them. */
static void tell_host(struct vdb *vb, struct virtqueue *vq, unsigned int n)
{
	struct scatterlist sg;
	unsigned int len;

	sg_init_one(&sg, vb->pfns, sizeof(vb->pfns[0]) * n);
	if (virtqueue_add_outbuf(vq, &sg, 1, vb, GFP_KERNEL))
		return;	/* cannot happen: one buffer at a time */
	virtqueue_kick(vq);
	wait_event(vb->acked, virtqueue_get_buf(vq, &len));
}

static void update_actual(struct vdb *vb)
{
	u32 actual = vb->num_pages;

	virtio_cwrite_le(vb->vdev, struct virtio_balloon_config, actual, &actual);
}

/*
 * One batch each way.  Unlike Linux, MemTotal (the managed page count) moves
 * only once the device acknowledged the batch and `actual` says so: a test
 * that waits for MemTotal then knows the device has seen every page.
 */
static unsigned int fill(struct vdb *vb, unsigned int want)
{
	struct page *page;
	LIST_HEAD(batch);
	unsigned int n = 0;

	while (n < min_t(unsigned int, want, PFNS_MAX)) {
		page = alloc_page(GFP_HIGHUSER | __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN);
		if (!page)
			break;
		vb->pfns[n++] = cpu_to_virtio32(vb->vdev, page_to_pfn(page));
		list_add(&page->lru, &batch);
	}
	if (!n)
		return 0;
	tell_host(vb, vb->vqs[SLOT_INFLATE], n);
	vb->num_pages += n;
	update_actual(vb);
	list_for_each_entry(page, &batch, lru)
		adjust_managed_page_count(page, -1);
	list_splice(&batch, &vb->pages);
	return n;
}

static unsigned int leak(struct vdb *vb, unsigned int want)
{
	struct page *page, *next;
	LIST_HEAD(freed);
	unsigned int n = 0;

	while (n < min_t(unsigned int, want, PFNS_MAX) && !list_empty(&vb->pages)) {
		page = list_first_entry(&vb->pages, struct page, lru);
		list_move(&page->lru, &freed);
		vb->pfns[n++] = cpu_to_virtio32(vb->vdev, page_to_pfn(page));
	}
	if (!n)
		return 0;
	tell_host(vb, vb->vqs[SLOT_DEFLATE], n);
	vb->num_pages -= n;
	update_actual(vb);
	list_for_each_entry_safe(page, next, &freed, lru) {
		list_del(&page->lru);
		adjust_managed_page_count(page, 1);
		__free_page(page);
	}
	return n;
}

/* One batch toward the device's num_pages, then again while not there. */
static void update_balloon(struct work_struct *w)
{
	struct vdb *vb = container_of(w, struct vdb, update_work);
	unsigned int done = 0;
	u32 target;

	virtio_cread_le(vb->vdev, struct virtio_balloon_config, num_pages, &target);
	mutex_lock(&vb->lock);
	if (target > vb->num_pages)
		done = fill(vb, target - vb->num_pages);
	else if (target < vb->num_pages)
		done = leak(vb, vb->num_pages - target);
	mutex_unlock(&vb->lock);
	if (done)	/* none: at target, or out of memory (Linux retries later) */
		queue_unless_stopping(vb, w);
}

static void fill_stats(struct vdb *vb)
{
	struct sysinfo i;

	si_meminfo(&i);
	vb->stats[0].tag = cpu_to_virtio16(vb->vdev, VIRTIO_BALLOON_S_MEMFREE);
	vb->stats[0].val = cpu_to_virtio64(vb->vdev, (u64)i.freeram << PAGE_SHIFT);
	vb->stats[1].tag = cpu_to_virtio16(vb->vdev, VIRTIO_BALLOON_S_MEMTOT);
	vb->stats[1].val = cpu_to_virtio64(vb->vdev, (u64)i.totalram << PAGE_SHIFT);
}

static void send_stats(struct vdb *vb)
{
	struct scatterlist sg;

	fill_stats(vb);
	sg_init_one(&sg, vb->stats, sizeof(vb->stats));
	if (!virtqueue_add_outbuf(vb->vqs[SLOT_STATS], &sg, 1, vb, GFP_KERNEL))
		virtqueue_kick(vb->vqs[SLOT_STATS]);
}

/* The device returned the stats buffer: it asks for fresh ones. */
static void update_stats(struct work_struct *w)
{
	struct vdb *vb = container_of(w, struct vdb, stats_work);
	unsigned int len;

	if (virtqueue_get_buf(vb->vqs[SLOT_STATS], &len))
		send_stats(vb);
}

/* Wait until the device gives back a buffer of reporting_vq: woken by its
 * interrupt, or polled (poll_reporting); timeout in jiffies, or
 * MAX_SCHEDULE_TIMEOUT for ever.  True when it came back. */
static bool reporting_wait(struct vdb *vb, struct virtqueue *vq, unsigned int *len, long timeout)
{
	unsigned long end = jiffies + (timeout == MAX_SCHEDULE_TIMEOUT ? 0 : timeout);

	if (!poll_reporting)
		return wait_event_timeout(vb->acked, virtqueue_get_buf(vq, len), timeout) > 0;
	while (!virtqueue_get_buf(vq, len)) {
		if (timeout != MAX_SCHEDULE_TIMEOUT && time_after(jiffies, end))
			return false;
		msleep(1);
	}
	return true;
}

/* mm's page reporting, as Linux's virtballoon_free_page_report. */
static int free_page_report(struct page_reporting_dev_info *pr, struct scatterlist *sg,
			    unsigned int nents)
{
	struct vdb *vb = container_of(pr, struct vdb, pr);
	struct virtqueue *vq = vb->vqs[SLOT_REPORTING];
	unsigned int len;
	int err;

	err = virtqueue_add_inbuf(vq, sg, nents, vb, GFP_NOWAIT | __GFP_NOWARN);
	if (WARN_ON_ONCE(err))
		return err;
	virtqueue_kick(vq);
	reporting_wait(vb, vq, &len, MAX_SCHEDULE_TIMEOUT);
	return 0;
}

/* One page of our own, reported as Linux reports one: an inbuf on
 * reporting_vq.  True when the device gave it back. */
static bool report_probe_page(struct vdb *vb)
{
	struct virtqueue *vq = vb->vqs[SLOT_REPORTING];
	struct scatterlist sg;
	unsigned int len;

	vb->probe_page = alloc_page(GFP_KERNEL);
	if (!vb->probe_page)
		return false;
	sg_init_table(&sg, 1);
	sg_set_page(&sg, vb->probe_page, PAGE_SIZE, 0);
	if (virtqueue_add_inbuf(vq, &sg, 1, vb, GFP_KERNEL))
		return false;
	virtqueue_kick(vq);
	if (!reporting_wait(vb, vq, &len, 10 * HZ)) {
		dev_warn(&vb->vdev->dev, "the probe's free page report did not come back\n");
		return false;
	}
	dev_info(&vb->vdev->dev, "free page report on queue %u came back (len %u)\n",
		 vq->index, len);
	return true;
}

static int find_vqs(struct vdb *vb)
{
	struct virtio_device *vdev = vb->vdev;
	bool stats = virtio_has_feature(vdev, VIRTIO_BALLOON_F_STATS_VQ);
	bool reporting = virtio_has_feature(vdev, VIRTIO_BALLOON_F_REPORTING);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	struct virtqueue_info info[SLOT_MAX] = {
		[SLOT_INFLATE] = { "inflate", balloon_ack },
		[SLOT_DEFLATE] = { "deflate", balloon_ack },
	};

	if (stats)
		info[SLOT_STATS] = (struct virtqueue_info){ "stats", stats_request };
	if (reporting)
		info[SLOT_REPORTING] = (struct virtqueue_info){ "reporting_vq", balloon_ack };
	return virtio_find_vqs(vdev, SLOT_MAX, vb->vqs, info, NULL);
#else
	vq_callback_t *callbacks[SLOT_MAX] = {
		[SLOT_INFLATE] = balloon_ack, [SLOT_DEFLATE] = balloon_ack,
	};
	const char *names[SLOT_MAX] = { [SLOT_INFLATE] = "inflate", [SLOT_DEFLATE] = "deflate" };

	if (stats) {
		names[SLOT_STATS] = "stats";
		callbacks[SLOT_STATS] = stats_request;
	}
	if (reporting) {
		names[SLOT_REPORTING] = "reporting_vq";
		callbacks[SLOT_REPORTING] = balloon_ack;
	}
	return virtio_find_vqs(vdev, SLOT_MAX, vb->vqs, callbacks, names, NULL);
#endif
}

static int vdb_probe(struct virtio_device *vdev)
{
	struct vdb *vb;
	int err;

	BUILD_BUG_ON(PAGE_SHIFT != VIRTIO_BALLOON_PFN_SHIFT);
	vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		return -ENOMEM;
	vdev->priv = vb;
	vb->vdev = vdev;
	init_waitqueue_head(&vb->acked);
	INIT_WORK(&vb->update_work, update_balloon);
	INIT_WORK(&vb->stats_work, update_stats);
	spin_lock_init(&vb->stop_lock);
	mutex_init(&vb->lock);
	INIT_LIST_HEAD(&vb->pages);
	err = find_vqs(vb);
	if (err) {
		kfree(vb);
		return err;
	}
	if (poll_reporting && vb->vqs[SLOT_REPORTING])
		virtqueue_disable_cb(vb->vqs[SLOT_REPORTING]);
	virtio_device_ready(vdev);
	if (vb->vqs[SLOT_STATS])
		send_stats(vb);
	if (vb->vqs[SLOT_REPORTING] && report_probe_page(vb)) {
		vb->pr.report = free_page_report;
		vb->pr_registered = !page_reporting_register(&vb->pr);
	}
	queue_unless_stopping(vb, &vb->update_work);
	return 0;
}

static void vdb_remove(struct virtio_device *vdev)
{
	struct vdb *vb = vdev->priv;

	spin_lock_irq(&vb->stop_lock);
	vb->stop = true;
	spin_unlock_irq(&vb->stop_lock);
	cancel_work_sync(&vb->update_work);
	cancel_work_sync(&vb->stats_work);
	if (vb->pr_registered)
		page_reporting_unregister(&vb->pr);
	mutex_lock(&vb->lock);
	while (vb->num_pages)
		leak(vb, vb->num_pages);
	mutex_unlock(&vb->lock);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 17, 0)
	virtio_reset_device(vdev);
#else
	vdev->config->reset(vdev);
#endif
	vdev->config->del_vqs(vdev);
	if (vb->probe_page)
		__free_page(vb->probe_page);
	kfree(vb);
}

/* The whole point: FREE_PAGE_HINT is not here (nor MUST_TELL_HOST,
 * DEFLATE_ON_OOM, PAGE_POISON). */
static unsigned int features[] = { VIRTIO_BALLOON_F_STATS_VQ, VIRTIO_BALLOON_F_REPORTING };

static const struct virtio_device_id id_table[] = {
	{ VIRTIO_ID_BALLOON, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

/* Without EVENT_IDX the device honours VRING_AVAIL_F_NO_INTERRUPT, which
 * virtqueue_disable_cb sets: with it, a device still interrupts once. */
static int vdb_validate(struct virtio_device *vdev)
{
	if (poll_reporting)
		__virtio_clear_bit(vdev, VIRTIO_RING_F_EVENT_IDX);
	return 0;
}

static struct virtio_driver vdb_driver = {
	.validate = vdb_validate,
	.feature_table = features,
	.feature_table_size = ARRAY_SIZE(features),
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.id_table = id_table,
	.probe = vdb_probe,
	.remove = vdb_remove,
	.config_changed = config_changed,
};
module_virtio_driver(vdb_driver);

MODULE_DESCRIPTION("TEST ONLY: a virtio balloon driver that declines FREE_PAGE_HINT (vqwatch test bed)");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/* A balloon driver that declines FREE_PAGE_HINT and numbers its queues
 * like Linux: inflate, deflate, stats, reporting_vq (at 3). */
#include <linux/module.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_balloon.h>
#include <linux/scatterlist.h>
#include <linux/gfp.h>

static struct page *pg;
static struct virtqueue *vqs[4];

static void done(struct virtqueue *vq)
{
	unsigned int len;

	while (virtqueue_get_buf(vq, &len))
		pr_info("vqdecline: queue %u returned len %u\n", vq->index, len);
}

static int probe(struct virtio_device *vdev)
{
	struct virtqueue_info info[4] = {
		{ "inflate", NULL }, { "deflate", NULL }, { "stats", NULL }, { "reporting_vq", done },
	};
	struct scatterlist sg;
	int err = virtio_find_vqs(vdev, 4, vqs, info, NULL);

	if (err)
		return err;
	virtio_device_ready(vdev);
	pg = alloc_page(GFP_KERNEL);
	if (!pg)
		return -ENOMEM;
	sg_init_one(&sg, page_address(pg), PAGE_SIZE);
	virtqueue_add_inbuf(vqs[3], &sg, 1, pg, GFP_KERNEL);
	virtqueue_kick(vqs[3]);
	return 0;
}

static void remove(struct virtio_device *vdev)
{
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
}

static unsigned int features[] = { VIRTIO_BALLOON_F_STATS_VQ, VIRTIO_BALLOON_F_REPORTING };
static const struct virtio_device_id ids[] = { { VIRTIO_ID_BALLOON, VIRTIO_DEV_ANY_ID }, { 0 } };
static struct virtio_driver drv = {
	.feature_table = features, .feature_table_size = ARRAY_SIZE(features),
	.driver.name = "vqdecline", .id_table = ids, .probe = probe, .remove = remove,
};
module_virtio_driver(drv);
MODULE_LICENSE("GPL");

/*
 * bootlog.c - `--boot-log DMESG [--iomem IOMEM]`: a zoneinfo clone that
 * gets the kernel's watermarks, not those of the managed counts shown.
 *
 * A Linux machine sets its watermarks and per-CPU sizes before it frees
 * its initrd and unused kernel image, and never recomputes them for those
 * pages; its zoneinfo counts them in managed. The host layer reads how
 * many and where from the boot log (pz_host_late_free_parse), the clone
 * holds them back while the instance computes its marks and writes the
 * sysctls, then frees them (machine_release_late, called by
 * machine_apply_sysctls) - see docs/DESIGN.md "Watermarks and tunables".
 *
 * A zoneinfo inside a trace folder's snap/ brings its boot log along:
 * snap/dmesg.txt and snap/iomem.txt are used when present and not given,
 * and the header line says so. `--boot-log none` turns that off (for a
 * snapshot taken after the machine recomputed its marks).
 */
#define _POSIX_C_SOURCE 200809L
#include "tool.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DIR/name when zoneinfo lies in a folder called snap and it is readable. */
static char *bl_next_to(const char *zoneinfo, const char *name)
{
	const char *slash = zoneinfo ? strrchr(zoneinfo, '/') : NULL;
	size_t dir = slash ? (size_t)(slash - zoneinfo) : 0;
	char *path;

	if (!slash || dir < 4 || memcmp(slash - 4, "snap", 4) || (dir > 4 && slash[-5] != '/'))
		return NULL;
	path = malloc(dir + strlen(name) + 2);
	if (!path)
		return NULL;
	sprintf(path, "%.*s/%s", (int)dir, zoneinfo, name);
	if (access(path, R_OK)) {
		free(path);
		return NULL;
	}
	return path;
}

/* Parses the two files into m->late; prints FILE:LINE of what is wrong. */
static int bl_parse(struct tool_machine *m, const char *dmesg, const char *iomem)
{
	char *dt = NULL, *it = NULL;
	size_t dl = 0, il = 0;
	int rc = -1;

	m->late = calloc(1, sizeof(*m->late));
	if (!m->late || read_small_file(dmesg, &dt, &dl) ||
	    (iomem && read_small_file(iomem, &it, &il)))
		goto out;
	rc = pz_host_late_free_parse(dt, dl, it, il, m->host, m->late);
	if (rc)
		tool_error("%s:%u: %s", strcmp(m->late->err_text, "iomem") ? dmesg : iomem,
			   m->late->err_line, m->late->err_msg);
	else if ((rc = pz_host_late_free_hold(m->host, m->late)))
		tool_error("%s: the %" PRIu64 " pages it frees late do not fit in the zones' "
			   "present memory of %s",
			   dmesg, m->late->initrd_pages + m->late->kernel_pages, m->source);
out:
	free(dt);
	free(it);
	if (rc) {
		free(m->late);
		m->late = NULL;
	}
	return rc ? -1 : 0;
}

/* The header line: files, and pages by zone. */
static void bl_note(struct tool_machine *m, const char *dmesg, const char *iomem, int found)
{
	size_t n = (size_t)snprintf(m->boot_log, sizeof(m->boot_log), "%s%s%s%s: ", dmesg,
				    iomem ? " + " : "", iomem ? iomem : "",
				    found ? " (found next to the zoneinfo)" : "");

	n += (size_t)snprintf(m->boot_log + n, sizeof(m->boot_log) - n,
			      "%" PRIu64 " initrd + %" PRIu64
			      " kernel image pages freed after the watermarks were set:",
			      m->late->initrd_pages, m->late->kernel_pages);
	for (unsigned nid = 0; nid < PZ_MAX_NODES; nid++)
		for (unsigned t = 0; t < PZ_NR_ZONE_TYPES && n < sizeof(m->boot_log); t++)
			if (m->late->pages[nid][t])
				n += (size_t)snprintf(m->boot_log + n, sizeof(m->boot_log) - n,
						      " node %u %s %" PRIu64, nid,
						      pz_zone_type_name((enum pz_zone_type)t),
						      m->late->pages[nid][t]);
}

int machine_boot_log(struct tool_machine *m, const char *zoneinfo, const char *dmesg,
		     const char *iomem)
{
	char *found_d = NULL, *found_i = NULL;
	int rc;

	if (dmesg && !strcmp(dmesg, "none"))
		return 0;
	if (!dmesg)
		dmesg = found_d = bl_next_to(zoneinfo, "dmesg.txt");
	if (!iomem)
		iomem = found_i = bl_next_to(zoneinfo, "iomem.txt");
	if (!dmesg) {
		free(found_i);
		return iomem ? tool_refuse("--iomem: only with --boot-log DMESG") : 0;
	}
	if (!m->host) {
		free(found_d);
		free(found_i);
		return tool_refuse("--boot-log: only with --machine-from ZONEINFO");
	}
	rc = bl_parse(m, dmesg, iomem);
	if (!rc)
		bl_note(m, dmesg, iomem, found_d || found_i);
	free(found_d);
	free(found_i);
	return rc;
}

int machine_release_late(pz_t *pz, const struct tool_machine *m)
{
	int rc = m->late ? pz_host_late_free_release(pz, m->host, m->late) : 0;

	if (rc)
		tool_error("cannot free the boot log's late pages into %s: %s", m->source,
			   pz_strerror(rc));
	return rc ? -1 : 0;
}

/*
 * reports.c - the kernel's report formats, as the library writes them
 * (size-then-fill calls), printed under a "== title ==" line.
 */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *title;
	size_t (*fn)(pz_t *, char *, size_t);
} all_reports[] = {
	{"buddyinfo", "/proc/buddyinfo", pz_report_buddyinfo},
	{"pagetypeinfo", "/proc/pagetypeinfo", pz_report_pagetypeinfo},
	{"zoneinfo", "/proc/zoneinfo", pz_report_zoneinfo},
	{"vmstat", "/proc/vmstat", pz_report_vmstat},
	{"extfrag", "extfrag/extfrag_index", pz_report_extfrag_index},
	{"unusable", "extfrag/unusable_index", pz_report_unusable_index},
};

#define NR_REPORTS (sizeof(all_reports) / sizeof(all_reports[0]))

int report_lookup(const char *name)
{
	if (!strcmp(name, "all"))
		return (int)NR_REPORTS;
	if (!strcmp(name, "map")) /* picture.c draws it */
		return (int)NR_REPORTS + 1;
	for (size_t i = 0; i < NR_REPORTS; i++)
		if (!strcmp(name, all_reports[i].name))
			return (int)i;
	return -1;
}

char *report_text(pz_t *pz, size_t (*fn)(pz_t *, char *, size_t))
{
	size_t need = fn(pz, NULL, 0) + 1;
	char *buf = malloc(need);

	if (buf)
		fn(pz, buf, need);
	return buf;
}

/* linux-4.1 and 4.4 print the allocator's lines of zoneinfo and vmstat
 * only; linux-6.1 prints every line of 6.1's files (0 where pagezone has no
 * such counter). */
static const char *title_note(pz_t *pz, size_t i)
{
	if (pz_profile(pz) == PZ_PROFILE_LINUX_6_1)
		return "";
	if (all_reports[i].fn == pz_report_zoneinfo)
		return " (allocator fields)";
	return all_reports[i].fn == pz_report_vmstat ? " (allocator counters)" : "";
}

void reports_print(pz_t *pz, const char *which, FILE *f)
{
	int any = !strcmp(which, "all");

	for (size_t i = 0; i < NR_REPORTS; i++) {
		char *text;

		if (!any && strcmp(which, all_reports[i].name))
			continue;
		text = report_text(pz, all_reports[i].fn);
		if (text && f)
			fprintf(f, "== %s%s ==\n%s\n", all_reports[i].title, title_note(pz, i),
				text);
		else if (text)
			fputs(text, stdout);
		free(text);
	}
}

uint64_t managed_pages(pz_t *pz)
{
	uint64_t managed = 0;

	for (unsigned n = 0; n < pz_nr_nodes(pz); n++)
		for (int t = 0; t < PZ_NR_ZONE_TYPES; t++) {
			struct pz_zone_info zi;

			if (pz_zone_info(pz, (int)n, (enum pz_zone_type)t, &zi) == 0)
				managed += zi.managed;
		}
	return managed;
}

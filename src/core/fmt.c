/*
 * fmt.c - a small snprintf for the freestanding core.
 *
 * The reports (buddyinfo, zoneinfo, ...) and log messages are formatted by
 * the core itself, byte for byte as the kernel prints them. Supported:
 * %d %i %u %x %c %s %p %% with the l / ll / z length modifiers, flags '-'
 * and '0', a width (also '*'). That is all the kernel's formats need.
 */
#include "internal.h"

struct sink {
	char *buf;
	size_t len, pos;
};

static void put(struct sink *s, char c)
{
	if (s->pos + 1 < s->len)
		s->buf[s->pos] = c;
	s->pos++;
}

static void put_padded(struct sink *s, const char *str, size_t n, int width, bool left, char pad,
		       bool neg)
{
	size_t total = n + (neg ? 1 : 0);
	size_t fill = width > 0 && (size_t)width > total ? (size_t)width - total : 0;

	if (!left && pad == ' ')
		while (fill--)
			put(s, ' ');
	if (neg)
		put(s, '-');
	if (!left && pad == '0')
		while (fill--)
			put(s, '0');
	for (size_t i = 0; i < n; i++)
		put(s, str[i]);
	if (left)
		while (fill--)
			put(s, ' ');
}

static size_t utoa(uint64_t v, unsigned base, char *out)
{
	char tmp[24];
	size_t n = 0;

	do {
		unsigned d = (unsigned)(v % base);
		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static int64_t get_signed(va_list *ap, int lng)
{
	if (lng == 2)
		return va_arg(*ap, long long);
	if (lng == 1)
		return va_arg(*ap, long);
	if (lng == 3)
		return (int64_t)va_arg(*ap, size_t);
	return va_arg(*ap, int);
}

static uint64_t get_unsigned(va_list *ap, int lng)
{
	if (lng == 2)
		return va_arg(*ap, unsigned long long);
	if (lng == 1)
		return va_arg(*ap, unsigned long);
	if (lng == 3)
		return va_arg(*ap, size_t);
	return va_arg(*ap, unsigned);
}

/* A conversion's flags, width and length modifier. */
struct spec {
	bool left, alt;
	char pad;
	int width, lng;
};

/* Reads the flags, width and length of the conversion at f into *sp;
 * returns where its conversion character is. */
static const char *parse_spec(const char *f, va_list *ap, struct spec *sp)
{
	*sp = (struct spec){false, false, ' ', 0, 0};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->pad = '0';
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	while (*f == 'l' || *f == 'z') {
		sp->lng = *f == 'z' ? 3 : sp->lng + 1;
		f++;
	}
	return f;
}

static const char *convert(struct sink *s, const char *f, va_list *ap)
{
	struct spec sp;
	char num[24];

	f = parse_spec(f, ap, &sp);
	bool left = sp.left, alt = sp.alt;
	char pad = sp.pad;
	int width = sp.width, lng = sp.lng;

	switch (*f) {
	case 'd':
	case 'i': {
		int64_t v = get_signed(ap, lng);
		uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		put_padded(s, num, utoa(u, 10, num), width, left, pad, v < 0);
		break;
	}
	case 'u':
	case 'x': {
		size_t n = utoa(get_unsigned(ap, lng), *f == 'x' ? 16 : 10, num);
		if (alt && *f == 'x')
			put_padded(s, "0x", 2, 0, false, ' ', false);
		put_padded(s, num, n, width, left, pad, false);
		break;
	}
	case 'p': {
		num[0] = '0';
		num[1] = 'x';
		size_t n = 2 + utoa((uintptr_t)va_arg(*ap, void *), 16, num + 2);
		put_padded(s, num, n, width, left, ' ', false);
		break;
	}
	case 'c':
		num[0] = (char)va_arg(*ap, int);
		put_padded(s, num, 1, width, left, ' ', false);
		break;
	case 's': {
		const char *str = va_arg(*ap, const char *);
		if (!str)
			str = "(null)";
		put_padded(s, str, pz_strlen(str), width, left, ' ', false);
		break;
	}
	case '%':
		put(s, '%');
		break;
	default:
		put(s, '%');
		if (*f)
			put(s, *f);
		else
			return f;
	}
	return f + 1;
}

size_t pz_vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct sink s = {buf, len, 0};
	va_list cp;

	va_copy(cp, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&s, *fmt++);
			continue;
		}
		fmt = convert(&s, fmt + 1, &cp);
	}
	va_end(cp);
	if (len)
		buf[s.pos < len ? s.pos : len - 1] = 0;
	return s.pos;
}

size_t pz_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = pz_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

void pz_out_printf(struct pz_out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->pos < o->len ? o->len - o->pos : 0;

	va_start(ap, fmt);
	o->pos += pz_vsnprintf(room ? o->buf + o->pos : (char *)0, room, fmt, ap);
	va_end(ap);
}

size_t pz_out_finish(struct pz_out *o)
{
	if (o->len)
		o->buf[o->pos < o->len ? o->pos : o->len - 1] = 0;
	return o->pos;
}

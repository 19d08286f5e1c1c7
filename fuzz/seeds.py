#!/usr/bin/env python3
"""Writes the hand-made seed inputs of fuzz/corpus/fuzz_ops and
fuzz/corpus/fuzz_machine (the fuzz_zoneinfo seeds are plain text files).

The encoders below mirror the decoders of fuzz_ops.c and fuzz_machine.c
byte for byte; keep them in step when a decoder changes. Run from anywhere:
    python3 fuzz/seeds.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def u8(v):
    return bytes([v & 0xFF])


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


# ---- fuzz_ops ---------------------------------------------------------------

# gfp table indices (fuzz_ops.c gfp_table)
KERNEL, ATOMIC, NOWAIT, NOIO, NOFS, USER, HIGHUSER, HIGHUSER_MOVABLE = range(8)
TEMPORARY, TRANSHUGE, KERNEL_DMA, KERNEL_DMA32, ATOMIC_DMA, KERNEL_MOVABLE = range(8, 14)
NONE, BAD_DMA_HIGHMEM, BAD_DMA_DMA32, BAD_HIGHMEM_DMA32 = range(14, 18)
KERNEL_DMA32_MOVABLE, KERNEL_MOVABLE_RECLAIMABLE = 18, 19
# modifier bits (fuzz_ops.c gfp_mods)
M_COMP, M_ZERO, M_THISNODE, M_COLD, M_WRITE, M_ATOMIC, M_HIGH, M_NOWARN = (1 << i for i in range(8))
M_MEMALLOC, M_NOMEMALLOC, M_HARDWALL, M_OTHER_NODE = (1 << i for i in range(8, 12))
M_NOFAIL, M_NORETRY, M_MOVABLE, M_RECLAIMABLE = (1 << i for i in range(12, 16))


def gfp(idx):
    return u8(idx)


def gfp_mod(idx, mods):
    # bit 7 of the table byte asks for modifiers: pick t >= 128 with t % 20 == idx
    for t in range(128, 255):
        if t % 20 == idx:
            return u8(t) + u16(mods)
    raise ValueError(idx)


def pmode(mode, reserved=False, cma=False):
    """The present-mode byte: pm % 5 = mode (2: one inner range, 3: a hole, 4: the
    whole span spelled out), bit 4 a reserved range, bit 5 a CMA range."""
    want = (0x10 if reserved else 0) | (0x20 if cma else 0)
    return next(b for b in range(256) if b % 5 == mode and b & 0x30 == want)


def zone(gap=0, span_b=255, span_s=3, pm=0, extra=b"", step=0):
    """One zone: gap byte, span (1 + span_b) << span_s, present mode byte and
    its extra bytes, then the type step byte (type += 1 + step % 2)."""
    return u8(gap) + u8(span_b) + u8(span_s) + u8(pm) + extra + u8(step)


def ops_header(nodes=1, cpus=1, modern=False, geo=b"", geo_bits=0, tun=0, zones=(), tun_extra=b"",
               cpu=0, misuse=0, cursor=0):
    h = next(b for b in range(256) if b % 3 == nodes - 1 and (b >> 2) % 4 == cpus - 1 and
             bool(b & 0x10) == modern)
    out = u8(h) + u8(geo_bits) + u8(tun) + geo + u16(cursor)
    for start_type, zs in zones:
        out += u8(len(zs) - 1) + u8(start_type)  # nz = 1 + b % 3
        for z in zs:
            out += z
    return out + tun_extra + u8(cpu) + u8(misuse)


def op_alloc(order, g, v=0, nb=0, mask=0):
    return u8(0) + u8(order) + g + u8(v) + u8(nb) + u8(mask)


def op_free(v, i=0, *args):
    return u8(4) + u8(v) + u16(i) + b"".join(args)


def op_get(v, i=0, k=0):
    if v == 2:
        return u8(7) + u8(v) + u32(k)  # a pfn we do not hold
    return u8(7) + u8(v) + u16(i) + (u16(k) if v == 1 else b"")


def op_split(i, osel=1):
    return u8(8) + u16(i) + u8(osel)


def op_state(v, i, *args):
    return u8(9) + u8(v) + u16(i) + b"".join(args)


def op_drain(v, c=0):
    return u8(10) + u8(v) + (u8(c) if v == 2 else b"")


def op_task(v, *args):
    return u8(11) + u8(v) + b"".join(args)


def op_tune(v, *args):
    return u8(12) + u8(v) + b"".join(args)


def op_exact(size, g):
    return u8(13) + u32(size) + g


def op_report(v, *args):
    """v < 6: a text report; 6..9: the queries of op 15 (v - 6)."""
    if v < 6:
        return u8(14) + u8(v) + b"".join(args)
    return u8(15) + u8(v - 6) + b"".join(args)


def op_shrinker(v, batch=8, mode=0):
    """Register slot v % 2 (seeks (v >> 1) & 3, NUMA-aware with bit 7, batch - 8,
    behaviour byte `mode`) or, when it is registered, unregister it."""
    return u8(16) + u8(v) + u8(batch) + u8(mode)


def op_unregister(v):
    return u8(16) + u8(v)


def op_reclaim(order, g, nid=0):
    return u8(17) + u8(order) + u8(nid) + g


def op_compact(v, nid=0, t=2, bits=0):
    """v % 3: zone, node, everything; bit 4 sets the migrate handler (bit 5: none)."""
    return u8(18) + u8(v) + u8(nid) + u8(t) + u32(bits)


def op_kswapd_oom(v, order, g, nid=0, bits=0, t=2):
    """v % 3: wake kswapd (zone t), run it, an allocation; bit 4 sets the OOM
    handler (bit 5: none); bits choose what the handler does, call by call."""
    return (u8(19) + u8(v) + u8(order) + u8(nid) + g + u32(bits) +
            (u8(t) if v % 3 == 0 else b""))


def pressure_seed(modern, kswapd_inline):
    """Fill a Normal zone with movable and reclaimable blocks, free every
    other one, then shrink, reclaim, compact, run kswapd and allocate with
    the OOM handler, callbacks misbehaving on purpose."""
    h = ops_header(modern=modern, zones=[(2, [zone(0, 255, 4)])],
                   misuse=4 if kswapd_inline else 0)
    body = b""
    for i in range(200):
        body += op_alloc(2 + i % 2, gfp(HIGHUSER_MOVABLE if i % 8 else TEMPORARY))
    for i in range(0, 200, 2):
        body += op_free(0, i, u8(0))
    body += op_shrinker(0x10 | (1 << 1), 8 + 4, 0x00)   # counts held, frees them
    body += op_shrinker(0x11 | (2 << 1), 8 + 0, 0x05)   # lies in both callbacks
    body += op_compact(0x10, bits=0x00000000)             # moves everything
    body += op_compact(0x11, bits=0x3e9c5a4b)             # busy, pinned, garbage, frees dst
    body += op_reclaim(0, gfp(KERNEL)) + op_reclaim(2, gfp(KERNEL))
    body += op_kswapd_oom(0x10, 9, gfp(KERNEL), bits=0x1b) + op_kswapd_oom(1, 0, gfp(KERNEL))
    for i in range(20):
        body += op_kswapd_oom(2, i % 4, gfp(KERNEL), bits=0xe4e4e4e4)
    body += op_compact(2, bits=0x12345678) + op_unregister(0) + op_unregister(1)
    return h + body


def ops_seeds():
    seeds = {}
    # 1. One node, one CPU: DMA + Normal, plain allocations and frees.
    h = ops_header(zones=[(0, [zone(1, 127, 2, step=1), zone(0, 255, 2)])], cursor=1)
    body = b""
    for o in range(5):
        body += op_alloc(o, gfp(KERNEL))
    body += op_alloc(0, gfp(KERNEL_DMA)) + op_alloc(2, gfp(HIGHUSER_MOVABLE))
    body += op_free(0, 0, u8(0)) + op_free(1, 1, u8(1)) + op_drain(0) + op_report(0, u8(70))
    seeds["basic"] = h + body

    # 2. Two nodes, two CPUs, modern: holes, reserved and CMA ranges, node policies.
    geo = u8(7) + u8(0)  # max_order 1 + 7 % 13 = 8, default pageblock order
    z_hole = zone(0, 255, 2, pm=pmode(3, True, True),
                  extra=u8(40) + u8(140) + u8(10) + u8(20) + u8(1))
    z_res = zone(8, 255, 2, pm=pmode(2, True), extra=u8(16) + u8(16) + u8(8) + u8(8))
    h = ops_header(nodes=2, cpus=2, modern=True, geo=geo, geo_bits=1,
                   zones=[(1, [z_hole, zone(0, 255, 1)]), (2, [z_res])], cursor=4096)
    body = b""
    for nid in (0, 1, 2):
        body += op_alloc(0, gfp_mod(KERNEL, M_THISNODE), v=3, nb=nid)
        body += op_alloc(3, gfp(HIGHUSER_MOVABLE), v=5, nb=nid, mask=2)
    body += op_alloc(9, gfp_mod(KERNEL_MOVABLE, M_COMP), v=0)
    body += op_task(0) + op_task(1, u8(1), u8(0), u8(0)) + op_alloc(0, gfp(USER))
    body += op_task(3, u16(0x4)) + op_alloc(1, gfp(ATOMIC)) + op_task(0)
    body += op_drain(1) + op_report(2, u8(0)) + op_report(1, u8(79))
    seeds["numa-cma"] = h + body

    # 3. Three nodes, four CPUs, 4.1: direct map, zeroed and exact allocations, tracing.
    geo = u8(5) + u8(3)  # max_order 6, pageblock 3
    tun = 0x80 | 0x40 | 0x20
    zs = lambda t: (t, [zone(0, 63, 3, step=0), zone(0, 63, 2)])
    h = ops_header(nodes=3, cpus=4, geo=geo, geo_bits=1, tun=tun, zones=[zs(0), zs(1), zs(2)],
                   cpu=3, cursor=0)
    body = b""
    for i in range(6):
        body += op_alloc(i % 4, gfp_mod(KERNEL, M_ZERO), v=0)
        body += op_alloc(0, gfp(KERNEL), v=7, nb=i)  # get_free_pages / get_zeroed_page
        body += op_exact(4096 * (3 + i) + 5, gfp(KERNEL))
        body += op_tune(3, u8(0), u8(i * 50))  # switch CPU
    body += op_free(2, 0, u8(2)) + op_free(0, 3, u8(0)) + op_drain(2, 1) + op_drain(2, 9)
    body += op_report(8, u32(0x3ff), u8(60), u8(2), u8(1), u32(99), u8(3), u8(1), u8(2), u8(0),
                      u8(4), u8(3), u8(12))
    body += op_report(9, u32(77), u8(0xFF))
    seeds["directmap-trace"] = h + body

    # 4. Misuse: wrong order, tails, double free, bogus pointers, split, get, bad pages.
    h = ops_header(cpus=2, zones=[(2, [zone(3, 200, 1)])], misuse=3)
    body = b""
    for o in (0, 1, 2, 3, 4):
        body += op_alloc(o, gfp(KERNEL))
    body += op_alloc(3, gfp_mod(KERNEL, M_COMP))
    body += op_free(3, 1, u8(0)) + op_free(3, 5, u8(12))  # wrong order
    body += op_free(4, 5, u8(1), u16(3)) + op_free(4, 4, u8(1), u16(1))  # tail pages
    body += op_free(5, 0, u32(100), u8(1)) + op_free(5, 0, u32(7), u8(0), u8(40))
    body += op_free(7, 0, u8(0)) + op_free(7, 0, u8(1)) + op_free(7, 0, u8(2), u8(9))
    body += op_get(0, 2) + op_get(1, 3, 1) + op_get(2, 0) + u32(50)
    body += op_split(2, 1) + op_split(5, 1) + op_split(3, 0) + u8(9)
    body += op_state(0, 0) + op_state(1, 1, u8(5)) + op_state(3, 2, u8(1))
    body += op_state(4, 0, u8(2)) + op_state(5, 0, u32(0x1234)) + op_state(6, 1)
    body += op_free(8, 0, u8(3), u8(1)) + op_free(0, 2, u8(0))
    seeds["misuse"] = h + body

    # 5. Tunables, dirty limits, zone_reclaim, cpusets.
    tun = 0x1 | 0x2 | 0x4 | 0x8 | 0x10
    tun_extra = u16(1024) + u8(0) + u8(1) + u8(0x1B) + u8(1) + u8(0x25) + u8(5) + u8(0) * 4
    h = ops_header(nodes=2, cpus=3, tun=tun, zones=[(1, [zone(0, 255, 1), zone(0, 255, 1)]),
                                                      (2, [zone(0, 255, 1)])], tun_extra=tun_extra)
    body = b""
    body += op_tune(0, u8(100), u16(20000)) + op_alloc(0, gfp(KERNEL))
    body += op_tune(0, u8(10)) + op_tune(1, u8(5)) + op_tune(1, u8(9)) + op_tune(1, u8(100))
    body += op_tune(2, u8(0), u8(2), u16(500), u8(0), u8(0), u16(100), u16(100))
    body += op_tune(2, u8(1), u8(4), u16(0), u8(0), u8(0), u16(0), u16(0))
    for i in range(8):
        body += op_alloc(0, gfp_mod(USER, M_WRITE), v=0)
    body += op_task(1, u8(2), u8(0), u8(0)) + op_task(0) + op_alloc(2, gfp(USER))
    body += op_task(4, u8(2)) + op_alloc(0, gfp_mod(KERNEL, M_THISNODE), v=0)
    body += op_task(3, u16(0x1)) + op_alloc(4, gfp_mod(KERNEL, M_MEMALLOC))
    body += op_alloc(11, gfp(KERNEL)) + op_alloc(0, gfp(BAD_DMA_HIGHMEM))
    body += op_report(6, u8(1), u8(2), u8(1), u16(0x12), u8(0), u8(2)) + op_report(7, u8(1), u8(0), u8(16))
    seeds["tunables"] = h + body
    for modern in (False, True):
        for inline in (False, True):
            name = "pressure-%s%s" % ("modern" if modern else "41", "-kswapd-inline" if inline else "")
            seeds[name] = pressure_seed(modern, inline)
    return seeds


# ---- fuzz_machine -------------------------------------------------------------

def machine_seeds():
    """fuzz_machine.c decode(): counts, geometry, nodes, zones (type byte,
    start pfn, end pfn, present / reserved / CMA ranges), tables, config,
    then the byte that installs a log sink."""
    seeds = {}
    AFTER = u8(7) + u8(0)  # pick_pfn: the cursor + 0

    def span(n):  # end = start + 1 + n
        return u8(0) + u16(n)

    def ranges(*rs):  # rs: (start offset from the previous end, length - 1, align shift or None)
        if not rs:
            return u8(0)
        out = u8(96 + len(rs)) + u8(1)  # 96 + n has bit 6 set: the "NULL array?" byte follows
        for off, ln, sh in rs:
            out += (u8(2) + u16(off) + u16(ln) + u8(sh)) if sh is not None else (u8(0) + u16(off) + u16(ln))
        return out

    def zone_m(t, start, end, pres=u8(0), res=u8(0), cma=u8(0)):
        return u8(t) + start + end + pres + res + cma

    # one node, two CPUs, default geometry: DMA [1, 4002) and Normal [4002, 8098)
    node = u8(1) + zone_m(0, AFTER, span(4000)) + zone_m(1, AFTER, span(4095))
    seeds["plain"] = u8(0) + u8(1) + u8(0) + u8(1) + u16(1) + node + u8(0) + u8(1)
    # two nodes, four CPUs, distance and cpu_node tables, modern profile
    node0 = u8(0) + zone_m(0, AFTER, span(2000))
    node1 = u8(1) + zone_m(1, AFTER, span(3000)) + zone_m(1, AFTER, span(100))
    seeds["numa"] = (u8(1) + u8(3) + u8(0) + u8(1) + u16(4096) + node0 + node1 + u8(0x7) +
                     u8(0) + u8(5) + u8(5) + u8(0) + u8(0) + u8(1) + u8(0) + u8(1) + u8(1))
    # max_order 9: present [10, 4011), reserved [20, 51), CMA [1024, 2304)
    z = zone_m(2, AFTER, span(4095), ranges((10, 4000, None)), ranges((20, 30, None)),
               ranges((1024, 1024, 8)))
    seeds["ranges"] = u8(0) + u8(0) + u8(2) + u8(9) + u8(1) + u16(0) + u8(0) + z + u8(0) + u8(1)
    # a zone near the top of the pfn space
    z = zone_m(2, u8(3) + u16(5000), span(100))
    seeds["top-of-space"] = u8(0) + u8(0) + u8(0) + u8(1) + u16(0) + u8(0) + z + u8(0) + u8(1)
    # about 2^32 page frames: refused
    z = zone_m(2, u8(0) + u16(0), u8(230) + u8(2) + u8(0))
    seeds["pz-nil"] = u8(0) + u8(0) + u8(0) + u8(1) + u16(0) + u8(0) + z + u8(0) + u8(1)
    # bad geometry and counts: 64 nodes, 255 CPUs, page_shift 19, max_order 22
    seeds["bad-geometry"] = u8(230) + u8(201) + u8(7) + u8(19) + u8(22) + u8(21) + u8(1)
    # unordered, overlapping ranges and a zero in the distance table
    z = zone_m(2, AFTER, span(2000), ranges((500, 10, None), (0, 10, None)), ranges((3000, 5, None)))
    seeds["unordered"] = (u8(1) + u8(0) + u8(0) + u8(1) + u16(0) + u8(0) + z + u8(0) + z +
                          u8(1) + u8(0) + u8(200) + u8(25) + u8(0) + u8(1))
    return seeds


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("fuzz_ops", ops_seeds())
    write("fuzz_machine", machine_seeds())

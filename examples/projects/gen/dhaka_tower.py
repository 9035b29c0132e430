#!/usr/bin/env python3
"""Generates examples/projects/dhaka-tower.json:

    python3 examples/projects/gen/dhaka_tower.py
"""
import json
import os
import sys
from collections import OrderedDict

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dhaka-tower.json")

# Dates fixed after inspecting the first schedules (see the report).
CEREMONY = "2027-07-01T10:00:00+06:00"
SATURDAY_POUR = "2028-11-18"
ROOF_FNLT = "2028-11-30"
HANDOVER_DEADLINE = "2029-05-31"

GOV = "Government Office"
NIGHT = "Night Pour"
H24 = "24 Hours"

tasks = []
links = []
assigns = []
_ids = set()


def task(id, name, parent=None, dur=None, **kw):
    assert id not in _ids, id
    _ids.add(id)
    t = OrderedDict(id=id, name=name)
    if parent:
        t["parent"] = parent
    if dur:
        t["duration"] = dur
    for k in ("constraint", "deadline", "priority", "calendar", "ignore_resource_calendars", "notes"):
        if k in kw:
            t[k] = kw.pop(k)
    assert not kw, kw
    tasks.append(t)
    return id


def link(frm, to, type=None, lag=None):
    l = OrderedDict([("from", frm), ("to", to)])
    if type and type != "FS":
        l["type"] = type
    if lag:
        l["lag"] = lag
    links.append(l)


def use(t, *pairs):
    for r, u in pairs:
        assigns.append(OrderedDict(task=t, resource=r, units=u))


# ---------------------------------------------------------------- Pre-construction
task("PRE", "Pre-construction & approvals")
task("PRE-D", "Design & investigations", "PRE")
task("D1", "Soil investigation (6 boreholes, SPT, lab tests)", "PRE-D", "15d")
task("D2", "Topographic survey & plot demarcation (10 katha)", "PRE-D", "5d")
task("D3", "Architectural design & RAJUK submission drawings", "PRE-D", "30d")
task("D4", "Structural design & drawings to BNBC 2020", "PRE-D", "25d")
task("D5", "MEP & fire-safety design", "PRE-D", "20d")
link("D2", "D3")
link("D1", "D4")
link("D3", "D4", "SS", "10d")
link("D3", "D5", "SS", "15d")
use("D1", ("eng", 0.5), ("soil", 350000))
use("D3", ("consult", 1))
use("D4", ("consult", 1))
use("D5", ("consult", 0.5))

task("PRE-R", "Statutory approvals (RAJUK, DoE, Fire Service, CAAB)", "PRE")
task("R1", "Prepare & lodge Land Use Clearance application (RAJUK)", "PRE-R", "3d", calendar=GOV)
task("R2", "RAJUK Land Use Clearance processing & site inspection", "PRE-R", "35d", calendar=GOV)
task("R3", "Land Use Clearance received", "PRE-R")
task("R4", "DoE site & environmental clearance (ECC)", "PRE-R", "40d", calendar=GOV,
     notes="Department of Environment; ECC needed before construction starts.")
task("R5", "Bangladesh Fire Service & Civil Defence NOC (high-rise)", "PRE-R", "30d", calendar=GOV)
task("R6", "CAAB height clearance (Bashundhara lies under the HSIA approach)", "PRE-R", "30d", calendar=GOV)
task("R7", "Compile & submit Building Construction Approval application", "PRE-R", "5d")
task("R8", "RAJUK Building Construction Committee review & approval", "PRE-R", "40d", calendar=GOV,
     notes="RAJUK = Rajdhani Unnayan Kartripakkha. Duration assumes no objections returned.")
task("R9", "Pay RAJUK plan-approval fees & collect sanctioned plans", "PRE-R", "4h", calendar=GOV)
task("R10", "Building Construction Approval received", "PRE-R", priority=900)
link("D2", "R1")
link("R1", "R2")
link("R2", "R3")
link("R3", "R4")
link("D3", "R5")
link("D3", "R6", "SS", "20d")
link("D4", "R7")
link("D5", "R7", "FF", "2d")
link("R3", "R7")
link("R5", "R7")
link("R6", "R7")
link("R7", "R8")
link("R8", "R9", "FS", "-1d")
link("R9", "R10")
use("R7", ("eng", 1), ("consult", 0.5))
use("R9", ("rajuk", 1850000))
use("R2", ("rajuk", 120000))
use("R4", ("rajuk", 150000))

task("PRE-U", "Utility applications", "PRE")
task("U1", "DESCO new 11 kV connection application & demand note", "PRE-U", "20d", calendar=GOV,
     notes="Bashundhara R/A is in the DESCO (not DPDC) supply area.")
task("U2", "DWASA water & sewer connection application", "PRE-U", "20d", calendar=GOV)
task("U3", "Titas gas connection application", "PRE-U", "5d", calendar=GOV,
     notes="New domestic piped-gas connections in Dhaka have long been restricted; lodged for the record, LPG-ready design.")
link("R10", "U1")
link("R10", "U2")
link("R10", "U3")
use("U1", ("utility", 450000))
use("U2", ("utility", 180000))
use("U3", ("utility", 25000))

task("M-APPR", "All statutory approvals received", "PRE", priority=900)
link("R10", "M-APPR")
link("R4", "M-APPR")

# ---------------------------------------------------------------- Mobilisation
task("MOB", "Site mobilisation")
task("MOB1", "Demolish existing tin-shed structure & clear site", "MOB", "10d",
     constraint={"type": "SNET", "date": "2027-03-14"},
     notes="SNET: vacant possession from the landowner (joint-venture agreement) after Eid-ul-Fitr.")
task("MOB2", "Site hoarding (CI sheet) & main gate", "MOB", "6d")
task("MOB3", "Site office, labour shed, stores & toilets", "MOB", "10d")
task("MOB4", "Temporary DESCO construction connection & rental generator", "MOB", "3d")
task("MOB5", "Setting out: grid lines & benchmarks", "MOB", "3d")
task("MOB6", "Foundation stone laying ceremony", "MOB",
     constraint={"type": "MSO", "date": CEREMONY},
     notes="Held once the piling rigs are on site; date fixed with the landowner.")
link("MOB1", "MOB2", "SS", "5d")
link("MOB2", "MOB3")
link("MOB3", "MOB4")
link("MOB1", "MOB5")
use("MOB1", ("excav", 1), ("fore", 1))
use("MOB3", ("shut", 1), ("mason", 1))

# ---------------------------------------------------------------- Piling
task("PIL", "Piling")
task("PIL1", "Mobilise 2 piling rigs & cast trial pile", "PIL", "6d")
task("PIL2", "Static load test on trial pile (2x working load)", "PIL", "4d")
task("PIL3", "Bored cast-in-situ piles, 600 mm dia x 24 m (112 nos)", "PIL", "45d", priority=800)
task("PIL4", "Pile integrity tests (PIT)", "PIL", "25d")
task("PIL5", "Piling complete", "PIL")
link("M-APPR", "PIL")
link("MOB4", "PIL1")
link("MOB5", "PIL1")
link("PIL1", "MOB6", "SS", "2d")
link("PIL1", "PIL2", "FS", "21ed")
link("PIL1", "PIL3")
link("PIL3", "PIL4", "SS", "50%")
link("PIL3", "PIL5")
link("PIL4", "PIL5")
link("PIL2", "PIL5")
use("PIL1", ("rig", 2), ("eng", 1))
use("PIL3", ("rig", 2), ("eng", 1), ("fore", 1), ("rmc", 17), ("steel", 0.9), ("cement", 20))
use("PIL4", ("eng", 0.5))

# ---------------------------------------------------------------- Basement
task("BSM", "Basement (1 level)")
task("BSM1", "Contiguous bored-pile shoring wall, 400 mm dia (perimeter)", "BSM", "30d")
task("BSM2", "Capping beam on shoring wall", "BSM", "8d")
task("BSM3", "Dewatering: deep wells, round the clock (monsoon)", "BSM", "2640h", calendar=H24,
     notes="110 days of continuous pumping; wells switched off only after the ground-floor slab gives uplift resistance.")
task("BSM4", "Bulk excavation to -3.8 m & spoil disposal (night trucks)", "BSM", "20d")
task("BSM5", "Pile head breaking & trimming", "BSM", "8d")
task("BSM6", "Lean concrete & under-raft waterproofing membrane", "BSM", "6d")
task("BSM7", "Raft (mat) & pile-cap reinforcement", "BSM", "15d")
task("BSM8", "Raft concrete pour, ~650 m3 continuous", "BSM", "18h", calendar=H24, ignore_resource_calendars=True, priority=800,
     notes="Continuous pour with two pumps; traffic-police permission for daytime RMC trucks.")
task("BSM9", "Raft curing (wet hessian)", "BSM", "7ed")
task("BSM10", "Basement columns & retaining walls", "BSM", "15d")
task("BSM11", "Ground-floor slab (over basement): shuttering & rebar", "BSM", "12d")
task("BSM12", "Ground-floor slab concrete pour (night, RMC)", "BSM", "8h", calendar=NIGHT, ignore_resource_calendars=True)
task("BSM13", "External waterproofing of retaining walls", "BSM", "10d")
task("BSM14", "Backfill behind retaining walls & compaction", "BSM", "6d")
link("PIL3", "BSM1", "SS", "15d")
link("BSM1", "BSM2")
link("BSM2", "BSM3", "FS", "-3d")
link("BSM3", "BSM4", "SS", "3d")
link("PIL5", "BSM4")
link("BSM4", "BSM5", "SS", "10d")
link("BSM5", "BSM6")
link("BSM6", "BSM7")
link("BSM7", "BSM8")
link("BSM8", "BSM9")
link("BSM8", "BSM10", "FS", "3d")
link("BSM10", "BSM11", "FS", "-3d")
link("BSM11", "BSM12")
link("BSM10", "BSM13", "SS", "5d")
link("BSM13", "BSM14")
link("BSM12", "BSM14", "FS", "7ed")
use("BSM1", ("rig", 1), ("rmc", 4.5), ("steel", 0.3))
use("BSM3", ("dewater", 1))
use("BSM4", ("excav", 2), ("fore", 1))
use("BSM7", ("rebar", 3), ("steel", 4.3))
use("BSM8", ("pump", 2), ("rmc", 290), ("eng", 1))
use("BSM10", ("rebar", 2), ("shut", 2), ("rmc", 10), ("steel", 1))
use("BSM11", ("shut", 2), ("rebar", 2), ("steel", 1.7))
use("BSM12", ("pump", 1), ("rmc", 140), ("eng", 1))

# ---------------------------------------------------------------- Superstructure
def ordinal(n):
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def storey(n):
    return "Ground floor" if n == 0 else f"{ordinal(n)} floor"


def slab_over(n):
    return "roof slab" if n == 10 else f"{ordinal(n + 1)}-floor slab"


task("SUP", "Superstructure (RCC frame)")
prev_pour = "BSM12"
for n in range(11):
    f = f"F{n:02d}"
    task(f, f"{storey(n)} frame", "SUP")
    col = task(f"{f}-COL", f"{storey(n)}: columns & shear walls", f, "5d")
    sht = task(f"{f}-SHT", f"{storey(n)}: beams & {slab_over(n)} shuttering, rebar, conduits", f, "13d")
    pour = task(f"{f}-POUR", f"Cast {slab_over(n)} (night pour, RMC & pump)", f, "8h", calendar=NIGHT, ignore_resource_calendars=True,
                **({"priority": 800,
                    "constraint": {"type": "FNLT", "date": ROOF_FNLT},
                    "notes": "FNLT: roof slab cast before December so external plaster and painting run in the dry season."}
                   if n == 10 else {}))
    link(prev_pour, col, "FS", "2d")
    link(col, sht, "FS", "-2d")
    link(sht, pour)
    use(col, ("rebar", 1), ("shut", 1), ("mason", 1), ("crane", 1), ("steel", 1.2), ("cement", 45))
    use(sht, ("shut", 2), ("rebar", 2), ("crane", 1), ("steel", 1.4), ("elec", 0.5))
    use(pour, ("pump", 1), ("rmc", 115), ("eng", 1), ("fore", 1))
    prev_pour = pour
task("RF", "Roof-top structures", "SUP")
task("RF1", "Stair room & lift machine room walls/columns", "RF", "6d")
task("RF2", "Machine-room & overhead water tank: shuttering & rebar", "RF", "9d")
task("RF3", "Cast machine-room slab & overhead water tank (day pour)", "RF", "6h",
     notes="Small pour by site mixer and hoist; planned for the working Saturday in the Dhaka Site calendar.")
link("F10-POUR", "RF1", "FS", "2d")
link("RF1", "RF2")
link("RF2", "RF3")
use("RF1", ("rebar", 1), ("shut", 1))
use("RF3", ("rmc", 45), ("pump", 1))
task("TOP", "Topping out: roof slab cast", "SUP", priority=800)
link("F10-POUR", "TOP")

# ---------------------------------------------------------------- Brickwork
task("BRK", "Brickwork (first-class bricks)")
for n in range(11):
    b = f"BRK{n:02d}"
    task(b, f"{storey(n)} brickwork" + (" (guard room, lobby, parking walls)" if n == 0 else ": external 10\" & partition 5\" walls"),
         "BRK", "5d" if n == 0 else "10d")
    link(f"F{n:02d}-POUR", b, "FS", "14ed")  # slab above cured, props out
    nxt = f"F{n + 1:02d}-COL" if n < 10 else "RF1"
    link(nxt, b, "SS", "5d")
    if n > 0:
        link(f"BRK{n - 1:02d}", b)
    use(b, ("mason", 2), ("bricks", 4.5), ("cement", 25))

# ---------------------------------------------------------------- MEP
task("MEP", "MEP services")
task("MEP-E", "Electrical & ELV", "MEP")
task("E1", "Electrical conduits & boxes in walls (chasing)", "MEP-E", "60d")
task("E2", "Wiring, cabling & distribution boards", "MEP-E", "50d")
task("E3", "Substation: 500 kVA 11/0.4 kV transformer, HT & LT panels", "MEP-E", "20d")
task("E4", "Standby generator 250 kVA & ATS", "MEP-E", "8d")
task("E5", "DESCO permanent supply: meters & energising", "MEP-E", "25d", calendar=GOV)
task("E6", "CCTV, intercom & internet cabling", "MEP-E", "15d")
task("E7", "Lightning protection & earthing", "MEP-E", "6d")
link("BRK01", "E1", "SS", "5d")
link("BRK10", "E1", "FF", "5d")
link("E1", "E2", "SS", "40%")
link("FN2", "E2", "FS", "-15d")
link("TOP", "E3")
link("E3", "E4")
link("E3", "E5")
link("U1", "E5")
link("E7", "E5", "SS")
link("FN3", "E7")
use("E1", ("elec", 2))
use("E2", ("elec", 3))
use("E3", ("elec", 1), ("eng", 0.5))
use("E4", ("elec", 1))
use("E6", ("elec", 1))

task("MEP-P", "Plumbing & fire protection", "MEP")
task("P1", "Plumbing risers, soil & waste stacks (uPVC)", "MEP-P", "45d")
task("P2", "Underground water reservoir & pump house", "MEP-P", "15d")
task("P3", "Overhead tank piping & transfer pumps", "MEP-P", "8d")
task("P4", "Fire fighting: wet riser, hose reels, sprinklers, fire pump", "MEP-P", "40d")
task("P5", "Fire detection & alarm system", "MEP-P", "15d")
task("P6", "DWASA water & sewer connection (DNCC road-cutting permit)", "MEP-P", "15d", calendar=GOV)
link("BRK02", "P1", "SS", "5d")
link("BRK10", "P1", "FF", "10d")
link("BSM14", "P2")
link("BSM9", "P2")
link("RF3", "P3")
link("P2", "P3")
link("P1", "P4", "SS", "20d")
link("E2", "P5", "SS", "20d")
link("X1", "P6")
link("U2", "P6")
use("P1", ("plumb", 2))
use("P2", ("mason", 1), ("rmc", 6))
use("P3", ("plumb", 1))
use("P4", ("ffc", 1))
use("P5", ("ffc", 0.5))

task("MEP-L", "Lifts", "MEP")
task("L1", "Lift shaft survey & handover to lift vendor", "MEP-L", "2d")
task("L2", "Lift installation: 2 x 13-passenger, 1.0 m/s", "MEP-L", "45d")
task("L3", "Lift testing, load test & safety certificate", "MEP-L", "5d")
link("RF3", "L1")
link("L1", "L2")
link("L2", "L3")
link("E5", "L3")
use("L2", ("lift", 1))
use("L3", ("lift", 1))

# ---------------------------------------------------------------- Finishes
task("FIN", "Finishes")
task("FN1", "Internal plaster, 1st-5th floors", "FIN", "50d")
task("FN2", "Internal plaster, 6th-10th floors", "FIN", "50d")
task("FN3", "Roof waterproofing & lime terracing", "FIN", "10d")
task("FN4", "External plaster (bamboo scaffolding)", "FIN", "40d")
task("FN5", "Floor & wall tiling (homogeneous & ceramic)", "FIN", "70d")
task("FN6", "Thai aluminium windows & glazing", "FIN", "35d")
task("FN7", "Door frames & shutters (Segun frames, flush doors)", "FIN", "35d")
task("FN8", "Kitchen cabinets & worktops", "FIN", "25d")
task("FN9", "Sanitary ware & bathroom fittings", "FIN", "25d")
task("FN10", "Interior painting: putty, primer, plastic emulsion", "FIN", "40d")
task("FN11", "Exterior painting (weather coat)", "FIN", "25d")
task("FN12", "Stair railings, window grills & MS works", "FIN", "15d")
task("FN13", "Final cleaning & make-good", "FIN", "8d")
link("BRK01", "FN1", "SS", "5d")
link("BRK05", "FN1", "FF", "3d")
link("BRK06", "FN2", "SS", "5d")
link("BRK10", "FN2", "FF", "3d")
link("RF3", "FN3")
link("BRK10", "FN4", "FS", "-10d")
link("FN1", "FN5", "SS", "15d")
link("FN2", "FN5", "FF", "10d")
link("FN4", "FN6", "SS", "10d")
link("FN5", "FN7", "SS", "10d")
link("FN5", "FN8", "SS", "30d")
link("FN5", "FN9", "SS", "25d")
link("P1", "FN9")
link("FN5", "FN10", "FS", "-10d")
link("FN4", "FN11")
link("FN5", "FN12", "SS", "20d")
for p in ("FN6", "FN7", "FN8", "FN9", "FN10", "FN11", "FN12"):
    link(p, "FN13")
use("FN1", ("mason", 3), ("cement", 30))
use("FN2", ("mason", 3), ("cement", 30))
use("FN4", ("mason", 2), ("cement", 20))
use("FN5", ("tiler", 3), ("tiles", 120), ("cement", 15))
use("FN6", ("alum", 2))
use("FN7", ("carp", 2))
use("FN9", ("plumb", 2))
use("FN10", ("paint", 4))
use("FN11", ("paint", 2))

# ---------------------------------------------------------------- External works
task("EXT", "External works")
task("X1", "Boundary wall & main gate", "EXT", "20d")
task("X2", "Surface drains & outfall to DNCC drain", "EXT", "15d")
task("X3", "Driveway, basement ramp finish & paving", "EXT", "12d")
task("X4", "Septic tank & soak well", "EXT", "12d")
task("X5", "Rainwater harvesting & recharge well (RAJUK requirement)", "EXT", "8d")
task("X6", "Landscaping & planters", "EXT", "8d")
link("FN4", "X1", "SS", "10d")
link("X1", "X2", "FS", "-5d")
link("X2", "X3")
link("X1", "X4", "FS", "-10d")
link("X2", "X5", "SS", "5d")
link("X3", "X6")
use("X1", ("mason", 1), ("bricks", 3))
use("X4", ("mason", 1))

# ---------------------------------------------------------------- Testing & commissioning
task("TC", "Testing & commissioning")
task("T1", "Electrical tests: insulation & earth resistance", "TC", "5d")
task("T2", "Plumbing pressure tests & tank disinfection", "TC", "4d")
task("T3", "Fire system test witnessed by Fire Service", "TC", "4d", calendar=GOV)
task("T4", "Generator, substation & ATS commissioning", "TC", "3d")
task("T5", "Decommission temporary power & return rental generator", "TC", "2d",
     notes="SF: may not finish before permanent-supply commissioning starts.")
task("T6", "Snag list & rectification", "TC", "15d")
link("E2", "T1")
link("FN9", "T2")
link("P3", "T2", "FS", "-2d")
link("P4", "T3")
link("P5", "T3")
link("E4", "T4")
link("E5", "T4")
link("T4", "T5", "SF")
for p in ("FN13", "T1", "T2", "T3", "T4", "L3", "E6", "X6", "X4", "X5", "P6"):
    link(p, "T6")
link("FN10", "E6", "SS", "10d")
use("T1", ("elec", 1), ("eng", 1))
use("T3", ("ffc", 1))
use("T6", ("fore", 1), ("mason", 1), ("paint", 1))

# ---------------------------------------------------------------- Occupancy & handover
task("HO", "Occupancy certificate & handover")
task("H1", "Fire Service final inspection & fire-safety certificate", "HO", "15d", calendar=GOV)
task("H2", "Apply to RAJUK for Occupancy Certificate", "HO", "2d", calendar=GOV)
task("H3", "RAJUK inspection & Occupancy Certificate issue", "HO", "30d", calendar=GOV)
task("H4", "RAJUK Occupancy Certificate received", "HO")
task("H5", "Handover to landowner & flat purchasers", "HO", priority=1000, deadline=HANDOVER_DEADLINE,
     notes="Deadline from the joint-venture agreement with the landowner.")
link("T3", "H1")
link("H1", "H2")
link("T6", "H2", "FS", "-3d")
link("H2", "H3")
link("H3", "H4")
link("H4", "H5")
use("H2", ("rajuk", 250000))

# ---------------------------------------------------------------- Calendars
yearly = [
    ("2027-02-21", "Shaheed Dibosh & International Mother Language Day"),
    ("2027-03-26", "Independence Day"),
    ("2027-04-14", "Pohela Boishakh (Bengali New Year)"),
    ("2027-05-01", "May Day"),
    ("2027-08-05", "July Mass Uprising Day"),
    ("2027-12-16", "Victory Day"),
    ("2027-12-25", "Christmas Day"),
]
E = " (lunar date, estimate)"
lunar = [
    ("2027-01-24", None, "Shab-e-Barat 2027" + E),
    ("2027-03-06", None, "Shab-e-Qadr 2027" + E),
    ("2027-03-07", "2027-03-11", "Eid-ul-Fitr 2027 holidays" + E),
    ("2027-05-13", "2027-05-19", "Eid-ul-Adha 2027 holidays" + E),
    ("2027-05-20", None, "Buddha Purnima 2027" + E),
    ("2027-06-15", None, "Ashura 2027" + E),
    ("2027-08-15", None, "Eid-e-Miladunnabi 2027" + E),
    ("2027-08-25", None, "Janmashtami 2027" + E),
    ("2027-10-10", None, "Durga Puja: Bijoya Dashami 2027" + E),
    ("2028-01-13", None, "Shab-e-Barat 2028" + E),
    ("2028-02-23", None, "Shab-e-Qadr 2028" + E),
    ("2028-02-24", "2028-02-29", "Eid-ul-Fitr 2028 holidays" + E),
    ("2028-05-02", "2028-05-07", "Eid-ul-Adha 2028 holidays" + E),
    ("2028-05-08", None, "Buddha Purnima 2028" + E),
    ("2028-06-04", None, "Ashura 2028" + E),
    ("2028-08-03", None, "Eid-e-Miladunnabi 2028" + E),
    ("2028-08-13", None, "Janmashtami 2028" + E),
    ("2028-09-28", None, "Durga Puja: Bijoya Dashami 2028" + E),
    ("2029-01-01", None, "Shab-e-Barat 2029" + E),
    ("2029-02-12", "2029-02-16", "Eid-ul-Fitr 2029 holidays" + E),
    ("2029-04-22", "2029-04-26", "Eid-ul-Adha 2029 holidays" + E),
]
site_ex = [OrderedDict(name=n, **{"from": d}, yearly=True) for d, n in yearly]
for d, to, n in lunar:
    e = OrderedDict(name=n, **{"from": d})
    if to:
        e["to"] = to
    site_ex.append(e)
site_ex.append(OrderedDict(name="Saturday pour (working Saturday for a slab casting)",
                           **{"from": SATURDAY_POUR}, working=["08:00-14:00"]))

calendars = [
    OrderedDict(name="Dhaka Site", base="Sunday-Thursday", exceptions=site_ex),
    OrderedDict(name=GOV, base="Dhaka Site",
                week={d: ["09:00-17:00"] for d in ("sunday", "monday", "tuesday", "wednesday", "thursday")},
                exceptions=[OrderedDict(name="Offices closed on the site's working Saturday", **{"from": SATURDAY_POUR})]),
    OrderedDict(name=NIGHT, base="Dhaka Site", week=OrderedDict([
        ("sunday", ["20:00-24:00"]),
        ("monday", ["00:00-04:00", "20:00-24:00"]),
        ("tuesday", ["00:00-04:00", "20:00-24:00"]),
        ("wednesday", ["00:00-04:00", "20:00-24:00"]),
        ("thursday", ["00:00-04:00", "20:00-24:00"]),
        ("friday", ["00:00-04:00"]),
        ("saturday", []),
    ])),
]

# ---------------------------------------------------------------- Resources
def res(id, name, type, group, rate=None, max_units=None, cal=None, per_use=None):
    r = OrderedDict(id=id, name=name, type=type)
    if max_units is not None:
        r["max_units"] = max_units
    if cal:
        r["calendar"] = cal
    if rate is not None:
        r["standard_rate"] = rate
    if per_use is not None:
        r["cost_per_use"] = per_use
    r["group"] = group
    return r


resources = [
    res("eng", "Site engineer (B.Sc. civil)", "work", "supervision", 550, 2),
    res("fore", "Foreman (mistri sardar)", "work", "supervision", 250, 2),
    res("consult", "Design consultant (architect & structural engineer)", "work", "consultant", 2500, 2),
    res("mason", "Mason gang (1 mason + 4 helpers)", "work", "civil", 600, 6),
    res("rebar", "Rebar gang (rod mistri + 5 helpers)", "work", "civil", 650, 4),
    res("shut", "Shuttering carpenters gang", "work", "civil", 600, 4),
    res("carp", "Joinery carpenters", "work", "finishes", 450, 2),
    res("tiler", "Tile fixers gang", "work", "finishes", 500, 4),
    res("paint", "Painters gang", "work", "finishes", 400, 4),
    res("alum", "Thai aluminium fabricators", "work", "finishes", 450, 2),
    res("elec", "Electrician crew", "work", "electrical", 450, 3),
    res("plumb", "Plumber crew", "work", "plumbing", 450, 3),
    res("ffc", "Fire-fighting subcontractor", "work", "fire", 900, 1),
    res("lift", "Lift vendor installation team", "work", "lifts", 1500, 1),
    res("rig", "Piling rig with crew", "work", "equipment", 4500, 2),
    res("excav", "Excavator with dump trucks", "work", "equipment", 3000, 2),
    res("dewater", "Deep-well dewatering pumps", "work", "equipment", 400, 1, H24),
    res("pump", "Concrete boom pump", "work", "equipment", 6000, 2, per_use=15000),
    res("crane", "Tower crane (hired, with operator)", "work", "equipment", 3500, 1),
    res("cement", "Cement, 50 kg bag", "material", "materials", 560),
    res("steel", "Rebar 500W, tonne", "material", "materials", 95000),
    res("bricks", "First-class bricks, thousand", "material", "materials", 14000),
    res("rmc", "Ready-mix concrete 4000 psi, m3", "material", "materials", 11500),
    res("tiles", "Floor & wall tiles, m2", "material", "materials", 1400),
    res("rajuk", "RAJUK fees & charges (BDT)", "cost", "fees"),
    res("utility", "Utility connection fees: DESCO, DWASA, Titas (BDT)", "cost", "fees"),
    res("soil", "Soil investigation lump sum (BDT)", "cost", "consultant"),
]

project = OrderedDict(
    name="Dhaka Tower — 10-storey residential, Bashundhara R/A",
    start="2027-01-03T08:00:00+06:00",
    time_zone="Asia/Dhaka",
    calendar="Dhaka Site",
    calendars=calendars,
    tasks=tasks,
    links=links,
    resources=resources,
    assignments=assigns,
)

# sanity: every link end and assignment names a task
for l in links:
    assert l["from"] in _ids and l["to"] in _ids, l
for a in assigns:
    assert a["task"] in _ids, a
    assert any(r["id"] == a["resource"] for r in resources), a

def one(v):
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def pretty(v, ind=0, key=None):
    pad = "  " * (ind + 1)
    if isinstance(v, dict):
        # small leaf objects (links, assignments, constraints, exceptions) on one line
        if key in ("links", "assignments", "exceptions", "resources", "constraint") or all(
                not isinstance(x, (dict, list)) or key == "week" for x in v.values()) and len(one(v)) <= 100 and key != "tasks":
            return one(v)
        items = [f"{pad}{one(k)}: {pretty(x, ind + 1, k)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * ind + "}"
    if isinstance(v, list):
        if all(not isinstance(x, (dict, list)) for x in v):
            return one(v)
        items = [f"{pad}{pretty(x, ind + 1, key)}" for x in v]
        return "[\n" + ",\n".join(items) + "\n" + "  " * ind + "]"
    return one(v)


text = pretty(project)
assert json.loads(text) == json.loads(json.dumps(project))
with open(OUT, "w", encoding="utf-8") as fh:
    fh.write(text + "\n")
print(f"{len(tasks)} tasks, {len(links)} links, {len(assigns)} assignments -> {OUT}")

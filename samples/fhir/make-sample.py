#!/usr/bin/env python3
"""Writes the synthetic FHIR R4 sample (UK Core shaped) from episodes of samples/exports/ris-export.csv.

The same episodes, as Bundles (collection, searchset, transaction) under bundles/ and as FHIR Bulk Data NDJSON
(one file per resource type) under bulk/. Every patient is synthetic (NHS numbers from the 999 test range).
Run from the repository root: python3 samples/fhir/make-sample.py
"""
import csv, json, os, uuid
from datetime import datetime
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EPISODES = ["RIS24001", "RIS24002", "RIS24003", "RIS24005"]

NHS = "https://fhir.nhs.uk/Id/nhs-number"
SCT = "http://snomed.info/sct"
# Local code systems of this sample, clearly named as such: the RIS export's own codes, not a published terminology.
LOCAL = "https://example.org/fhir/CodeSystem/local-sample-"
EPISODE_ID = "https://example.org/fhir/Id/local-sample-episode"
REGISTRY_Q = "https://example.org/fhir/Questionnaire/local-sample-pmt-registry"
FOLLOW_UP_Q = "https://example.org/fhir/Questionnaire/local-sample-pmt-follow-up"
# SNOMED CT codes, as cited in issue 23: DVT of lower extremity, and three vein segments.
DVT = {"system": SCT, "code": "404223003", "display": "Deep venous thrombosis of lower extremity"}
SEGMENT_SCT = {"CIV": ("46027005", "Common iliac vein"), "EIV": ("63507001", "External iliac vein"), "CFV": ("397363009", "Common femoral vein")}
GENDER = {"M": "male", "F": "female", "I": "other", "U": "unknown"}


def iso(d):
    return datetime.strptime(d, "%d/%m/%Y").strftime("%Y-%m-%d") if d else None


def instant(t):
    local = datetime.strptime(t, "%d/%m/%Y %H:%M").replace(tzinfo=ZoneInfo("Europe/London"))
    return local.isoformat(timespec="seconds")


def local(kind, code):
    return {"system": LOCAL + kind, "code": code}


def segment(code):
    if code in SEGMENT_SCT:
        c, display = SEGMENT_SCT[code]
        return {"system": SCT, "code": c, "display": display}
    return local("vein-segment", code)


def yes(v):
    return {"Y": True, "N": False}[v]


def item(link, answers):
    return {"linkId": link, "answer": answers}


def resources(row, follow_ups):
    e = row["episode_id"]
    k = e.lower()
    pat, dvt, enc, proc = f"Patient/pat-{k}", f"Condition/dvt-{k}", f"Encounter/enc-{k}", f"Procedure/pmt-{k}"
    out = []
    out.append({"resourceType": "Patient", "id": f"pat-{k}",
                "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]},
                "identifier": [{"system": NHS, "value": row["nhs_no"]}],
                "gender": GENDER[row["sex"]], "birthDate": iso(row["dob"])})
    out.append({"resourceType": "Condition", "id": f"dvt-{k}",
                "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Condition"]},
                "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                "code": {"coding": [DVT]},
                "bodySite": [{"coding": [segment(s)]} for s in row["segments"].split(";")] + [{"coding": [local("laterality", row["side"])]}],
                "severity": {"coding": [local("severity", row["severity"])]},
                "subject": {"reference": pat}, "onsetDateTime": iso(row["onset_date"]), "recordedDate": iso(row["diag_date"])})
    out.append({"resourceType": "Encounter", "id": f"enc-{k}",
                "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Encounter"]},
                "status": "finished", "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
                "subject": {"reference": pat}, "period": {"start": iso(row["proc_date"]), "end": iso(row["discharge_date"])}})
    complications = []
    if row["comp_type"]:
        c = {"resourceType": "Condition", "id": f"comp-{k}-1", "code": {"coding": [local("complication", row["comp_type"])]},
             "subject": {"reference": pat}, "onsetDateTime": iso(row["comp_date"])}
        if row["comp_severity"]:
            c["severity"] = {"coding": [local("complication-severity", row["comp_severity"])]}
        if row["comp_note"]:
            c["note"] = [{"text": row["comp_note"]}]
        complications.append(c)
    procedure = {"resourceType": "Procedure", "id": f"pmt-{k}",
                 "meta": {"lastUpdated": instant(row["last_updated"]), "profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Procedure"]},
                 "identifier": [{"system": EPISODE_ID, "value": e}], "status": "completed",
                 "code": {"coding": [local("procedure", "PMT")], "text": "Percutaneous mechanical thrombectomy"},
                 "subject": {"reference": pat}, "encounter": {"reference": enc}, "performedDateTime": iso(row["proc_date"]),
                 "reasonReference": [{"reference": dvt}]}
    if complications:
        procedure["complicationDetail"] = [{"reference": f"Condition/{c['id']}"} for c in complications]
    out.append(procedure)
    out.extend(complications)

    items = []
    def coded(link, column, kind):
        if row[column]:
            items.append(item(link, [{"valueCoding": local(kind, v)} for v in row[column].split(";")]))
    def boolean(link, column):
        if row[column]:
            items.append(item(link, [{"valueBoolean": yes(row[column])}]))
    def text(link, column):
        if row[column]:
            items.append(item(link, [{"valueString": row[column]}]))
    def integer(link, column):
        if row[column]:
            items.append(item(link, [{"valueInteger": int(row[column])}]))
    def date(link, column):
        if row[column]:
            items.append(item(link, [{"valueDate": iso(row[column])}]))
    coded("phlegmasia", "phlegmasia", "phlegmasia")
    boolean("pe-at-presentation", "pe_at_presentation")
    coded("risk-factors", "risk_factors", "risk-factor")
    boolean("mdt-assessed", "mdt")
    coded("mdt-specialties", "mdt_team", "specialty")
    boolean("governance-lead-informed", "gov_lead")
    boolean("written-information", "written_info")
    boolean("consent-recorded", "consent")
    coded("study-registry", "study_reg", "study-registry")
    text("study-identifier", "study_id")
    coded("anaesthesia", "anaesthetic", "anaesthesia")
    coded("access-veins", "access", "access-vein")
    coded("imaging", "imaging", "imaging")
    text("device-name", "device")
    text("device-manufacturer", "device_maker")
    coded("device-mechanism", "device_type", "device-mechanism")
    coded("thrombolysis-timing", "lysis_timing", "thrombolysis-timing")
    boolean("thrombolysis-contraindicated", "lysis_contra")
    coded("thrombolysis-agent", "lysis_agent", "thrombolytic")
    integer("thrombolysis-dose-mg", "lysis_dose")
    boolean("ivc-filter-placed", "ivc_filter")
    coded("ivc-filter-type", "ivc_type", "ivc-filter")
    date("ivc-filter-retrieved", "ivc_retrieved")
    boolean("angioplasty", "angioplasty")
    if row["stents"]:
        items.append(item("stented-segments", [{"valueCoding": segment(s)} for s in row["stents"].split(";")]))
    integer("thrombus-removed-percent", "removed_pct")
    coded("thrombus-removal-grade", "removal_grade", "removal-grade")
    coded("anticoagulant", "anticoag", "anticoagulant")
    integer("anticoagulation-months", "anticoag_months")
    boolean("compression-stockings", "stockings")
    boolean("early-ambulation", "ambulation")
    out.append({"resourceType": "QuestionnaireResponse", "id": f"qr-{k}", "questionnaire": REGISTRY_Q, "status": "completed",
                "subject": {"reference": pat}, "partOf": [{"reference": proc}], "authored": iso(row["discharge_date"]), "item": items})

    for fu in follow_ups:
        t = fu["fu_timepoint"].lower()
        fitems = [item("timepoint", [{"valueCoding": local("follow-up-timepoint", fu["fu_timepoint"])}])]
        if fu["fu_villalta"]:
            fitems.append(item("villalta-total", [{"valueInteger": int(fu["fu_villalta"])}]))
        if fu["fu_ulcer"]:
            fitems.append(item("venous-ulcer", [{"valueBoolean": yes(fu["fu_ulcer"])}]))
        if fu["fu_patency"]:
            fitems.append(item("patency", [{"valueCoding": local("patency", fu["fu_patency"])}]))
        if fu["fu_rethrombosis"]:
            fitems.append(item("rethrombosis", [{"valueBoolean": yes(fu["fu_rethrombosis"])}]))
        if fu["fu_pe"]:
            fitems.append(item("pulmonary-embolism", [{"valueBoolean": yes(fu["fu_pe"])}]))
        out.append({"resourceType": "QuestionnaireResponse", "id": f"fu-{k}-{t}", "questionnaire": FOLLOW_UP_Q, "status": "completed",
                    "subject": {"reference": pat}, "partOf": [{"reference": proc}], "authored": iso(fu["fu_date"]), "item": fitems})
    return out


def main():
    rows = list(csv.DictReader(open(os.path.join(ROOT, "samples/exports/ris-export.csv"), encoding="utf-8")))
    by_episode = {}
    for r in rows:
        if r["episode_id"] in EPISODES:
            by_episode.setdefault(r["episode_id"], []).append(r)
    episodes = {e: resources(rs[0], rs[1:]) for e, rs in by_episode.items()}

    os.makedirs(os.path.join(HERE, "bundles"), exist_ok=True)
    def bundle(kind, names, transaction=False):
        entries = []
        ids = {}
        for e in names:
            for r in episodes[e]:
                ids[f"{r['resourceType']}/{r['id']}"] = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.org/fhir/' + r['resourceType'] + '/' + r['id'])}"
        for e in names:
            for r in episodes[e]:
                r = json.loads(json.dumps(r))
                entry = {"fullUrl": f"https://example.org/fhir/{r['resourceType']}/{r['id']}"}
                if transaction:
                    # A transaction carries new resources: no ids, references by the entries' urn:uuid fullUrls.
                    key = f"{r['resourceType']}/{r.pop('id')}"
                    entry["fullUrl"] = ids[key]
                    text = json.dumps(r)
                    for ref, urn in ids.items():
                        text = text.replace(f'"reference": "{ref}"', f'"reference": "{urn}"')
                    r = json.loads(text)
                    entry["resource"] = r
                    entry["request"] = {"method": "POST", "url": r["resourceType"]}
                else:
                    entry["resource"] = r
                    if kind == "searchset":
                        entry["search"] = {"mode": "match" if r["resourceType"] == "Procedure" else "include"}
                entries.append(entry)
        return {"resourceType": "Bundle", "type": kind, "entry": entries}
    files = {"collection.json": bundle("collection", ["RIS24001", "RIS24002"]),
             "searchset.json": bundle("searchset", ["RIS24003"]),
             "transaction.json": bundle("transaction", ["RIS24005"], transaction=True)}
    for name, b in files.items():
        with open(os.path.join(HERE, "bundles", name), "w", encoding="utf-8") as f:
            json.dump(b, f, indent=2)
            f.write("\n")

    os.makedirs(os.path.join(HERE, "bulk"), exist_ok=True)
    by_type = {}
    for e in EPISODES:
        for r in episodes[e]:
            by_type.setdefault(r["resourceType"], []).append(r)
    for t, rs in by_type.items():
        with open(os.path.join(HERE, "bulk", t + ".ndjson"), "w", encoding="utf-8") as f:
            for r in rs:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()

"""The words demo data is made of: people, customers, and what teams really write.

Names mix CJK, accented and plain Latin text on purpose, as real teams' data does.
"""

from __future__ import annotations

from dealroom.domain import Role, Stage

PEOPLE = [
    ("wei", "Wei Zhang 张伟"),
    ("lina", "李娜"),
    ("jose", "José Álvarez"),
    ("zoe", "Zoë Müller"),
    ("ana", "Ana Lima"),
    ("priya", "Priya Nair"),
    ("soren", "Søren Østergaard"),
    ("chenjing", "陈静"),
    ("francois", "François Dubois"),
    ("kenji", "Kenji Tanaka 田中健二"),
    ("ade", "Olúṣẹ́gun Adé"),
    ("maria", "María José Peña"),
    ("omar", "Omar Haddad"),
    ("yuki", "Yuki Sato"),
]
SPONSORS = [("sam", "Sam O'Connor"), ("mei", "Mei Lin 林美")]

ACCOUNTS = [
    ("ACME Telecom", "ACME", "S"),
    ("Nordlicht Energie GmbH", "NORD", "A"),
    ("上海银行 Bank of Shanghai", "BOSH", "S"),
    ("Café Lumière SA", "CAFE", "C"),
    ("Grupo Andino", "ANDI", "B"),
    ("桜鉄道 Sakura Rail", "SAKU", "A"),
    ("Helios Grid", "HELI", "B"),
    ("Öresund Ports", "ORES", "B"),
    ("Banco Pacífico", "PACI", "A"),
    ("深圳地铁 Shenzhen Metro", "SZMT", "S"),
    ("Kilimanjaro Mobile", "KILI", "C"),
    ("Fjord Fisheries AS", "FJOR", "C"),
]
REGIONS = ["North", "South", "East", "West", "Central", "Metro", "Coastal", "Highland"]

PRODUCTS = ["5G", "CORE", "DC", "WAN", "IOT", "CLOUD", "SEC", "OSS", "FTTH", "MW", "EDGE", "SDN"]
PRODUCT_NAMES = {
    "5G": "5G radio rollout",
    "CORE": "core network refresh",
    "DC": "data centre build",
    "WAN": "enterprise WAN",
    "IOT": "IoT platform",
    "CLOUD": "private cloud",
    "SEC": "security operations centre",
    "OSS": "OSS/BSS modernisation",
    "FTTH": "fibre to the home",
    "MW": "microwave backhaul",
    "EDGE": "edge computing",
    "SDN": "SDN migration",
}

#: Each role's tasks, with the stage from which each makes sense: no invoice is chased
#: before there is a contract.
TASKS: dict[Role, list[tuple[str, Stage]]] = {
    Role.AR: [
        ("Map the decision chain at {acct}", Stage.LEAD),
        ("Confirm budget and start date with procurement", Stage.OPPORTUNITY),
        ("Lunch with the CTO's chief of staff", Stage.LEAD),
        ("Invite the customer to the reference site", Stage.OPPORTUNITY),
        ("Find out who sits on the evaluation team", Stage.PRE_BID),
        ("Update the power map after the steering meeting", Stage.OPPORTUNITY),
        ("Send thank-you note after the demo", Stage.PRE_BID),
        ("Prepare the executive visit agenda", Stage.PRE_BID),
        ("Align commercial terms with finance", Stage.BID),
        ("Agree payment milestones", Stage.BID),
        ("Get the signed PO scanned and filed", Stage.CONTRACT),
        ("Chase invoice #{n} with accounts payable", Stage.INVOICE),
    ],
    Role.SR: [
        ("Draft the {product} solution", Stage.OPPORTUNITY),
        ("Technical briefing for the evaluators", Stage.PRE_BID),
        ("Run the proof of concept in the lab", Stage.PRE_BID),
        ("Align the roadmap slide with product line", Stage.PRE_BID),
        ("Write the differentiation one-pager", Stage.PRE_BID),
        ("Prepare BoQ v{n}", Stage.BID),
        ("Answer tender clarification #{n}", Stage.BID),
        ("Price the configuration for option {n}", Stage.BID),
        ("Review the tender's scoring rules", Stage.BID),
        ("Prepare the bid's technical volume", Stage.BID),
        ("Check licence counts with the vendor", Stage.CONTRACT),
    ],
    Role.FR: [
        ("Site survey at {acct} {region} site", Stage.PRE_BID),
        ("Delivery risk review", Stage.BID),
        ("Draft the delivery plan", Stage.BID),
        ("Confirm site power and cooling readiness", Stage.CONTRACT),
        ("Installation schedule with subcontractor", Stage.CONTRACT),
        ("Logistics plan for optics", Stage.CONTRACT),
        ("Book the customs broker", Stage.CONTRACT),
        ("Acceptance test plan v{n}", Stage.DELIVERY),
        ("Train the customer's NOC team", Stage.DELIVERY),
        ("Spare parts plan for year one", Stage.DELIVERY),
        ("Collect the acceptance certificate", Stage.DELIVERY),
    ],
}
RISKS: dict[Role, list[str]] = {
    Role.AR: [
        "Competitor close to the CTO",
        "Budget not yet approved by the board",
        "Procurement wants 180-day payment terms",
        "Key sponsor may change roles",
        "No coach inside the customer yet",
        "Customer merging with a rival",
    ],
    Role.SR: [
        "Tender spec leans to the competitor's product",
        "Interop with the legacy OSS unproven",
        "Price 12% above the customer's expectation",
        "Licence model unclear to evaluators",
        "Performance target at the edge of our spec",
    ],
    Role.FR: [
        "Customs delay on optical modules",
        "Site not ready: power upgrade pending",
        "Subcontractor capacity in {region}",
        "Acceptance criteria vague in the contract",
        "Monsoon season overlaps installation window",
    ],
}
MITIGATIONS = [
    "Escalate to the sponsor for an executive call",
    "Weekly check-in with procurement",
    "Second-source the components",
    "Offer a phased rollout",
    "Bring the product line expert to the next workshop",
    "Pre-stage equipment in the warehouse",
    "",
]
HANDOFFS: list[tuple[Role, Role, str, Stage]] = [
    (Role.AR, Role.SR, "Customer needs and pain points", Stage.OPPORTUNITY),
    (Role.AR, Role.SR, "Decision criteria from the evaluation team", Stage.PRE_BID),
    (Role.SR, Role.AR, "Solution and quotation for the bid", Stage.BID),
    (Role.AR, Role.SR, "Commercial terms back from negotiation", Stage.BID),
    (Role.SR, Role.FR, "BoQ v{n} and delivery assumptions", Stage.BID),
    (Role.AR, Role.FR, "Signed contract and customer contacts", Stage.CONTRACT),
    (Role.FR, Role.AR, "Acceptance certificate for invoicing", Stage.DELIVERY),
    (Role.FR, Role.SR, "Technical issues found on site", Stage.DELIVERY),
    (Role.SR, Role.FR, "Configuration change after site survey", Stage.DELIVERY),
    (Role.AR, Role.FR, "Customer's change request #{n}", Stage.DELIVERY),
]
LOSS_REASONS = [
    "Competitor undercut our price by 20%",
    "Customer postponed the project indefinitely",
    "Tender cancelled by the ministry",
    "Lost on technical score",
    "Budget moved to another programme",
    "No-bid: margin below the floor",
]
REJECT_REASONS = [
    "Missing the power budget per site",
    "Quotation lacks the support fees",
    "Contacts list is incomplete",
    "Needs the customer's sign-off first",
]
GATE_NOTES = [
    "Clear budget and start date",
    "Go: differentiated solution",
    "Margin above floor",
    "Legal terms cleared",
    "",
    "Conditional on a price review",
]

# --- the methods that win a deal ----------------------------------------------------------

#: Customer-side people: (name, title, decision role, influence).
CUSTOMER_PEOPLE = [
    ("Wang Li 王力", "CTO", "decision_maker", 5),
    ("Helga Brandt", "CEO", "approver", 5),
    ("Rajesh Iyer", "Head of network planning", "evaluator", 4),
    ("Lucía Romero", "Procurement director", "gatekeeper", 3),
    ("Chen Jing 陈静", "Operations manager", "user", 2),
    ("Tomás Ruiz", "External consultant", "advisor", 3),
    ("Zhou Min 周敏", "IT architect", "coach", 2),
    ("Aisha Bello", "CFO", "approver", 4),
    ("Marek Nowak", "Security lead", "evaluator", 3),
]
COMPETITORS = [
    ("Northwind Networks", "Incumbent for the core since 2019", "Price, installed base",
     "Slow delivery, weak local team", "The system integrator", "Delivery in six weeks"),
    ("Contoso Systems", "Friends with the CTO's office", "Brand, financing",
     "No 5G references in the region", "A consultancy on the evaluation panel",
     "References next door"),
    ("Fabrikam Telecom", "New to this customer", "Aggressive pricing",
     "Thin support, no spares on site", "", "Lifetime cost and local spares"),
]  # fmt: skip
SCORE_NOTES = ["", "", "", "Confirmed in the steering meeting", "From the tender draft",
               "Needs checking with finance", "Coach's view"]  # fmt: skip
REVIEW_NOTES = ["Agreed the bid's commercial strategy", "New plan for the evaluation team",
                "Escalated the site readiness risk to the sponsor"]  # fmt: skip

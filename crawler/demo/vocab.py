"""Word and phrase pools the demo site's text is drawn from (all characters fit cp1252)."""

from __future__ import annotations


def _pool(spec: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in spec.split("|") if item.strip())


FIRST_NAMES = _pool(
    "Jane|Omar|Mei|Lukas|Amara|Daniel|Sofia|Kwame|Ingrid|Rahul|Chloé|Mateo|Yuki|Fatima|Piotr|"
    "Elena|Tomás|Grace|Hiroshi|Nadia|Zoë|Samuel|Leila|Björn|Aisha|Marco|Hannah|Diego|Priya|"
    "Conor|Siobhán|André|Noor|Felix|Ruth|Jonas|Lucía|Kenji|Olivia|Emeka"
)
LAST_NAMES = _pool(
    "Doe|Okafor|Lindqvist|Haddad|Nakamura|Park|Müller|Núñez|O’Neill|D’Souza|Kowalski|Rossi|"
    "Mensah|Fernández|Chen|Abebe|Moreau|Sato|Kim|Novak|García|Byrne|Jansen|Petrov|Silva|"
    "Adeyemi|Larsen|Bianchi|Hoffmann|Tanaka|Ortiz|Walsh|Khan|Dubois|Yilmaz|Costa|Eriksen|"
    "Mwangi|Fischer|O’Brien"
)

# Per-tag vocabulary: places, organisations, topics, groups, roles, concrete things.
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "world": {
        "place": _pool("Geneva|Nairobi|Jakarta|Lima|Warsaw|Ankara|Manila|Accra|Hanoi|Santiago"),
        "org": _pool(
            "the Foreign Ministry|the Security Council|the regional trade bloc|"
            "the coalition government|the election commission|the border agency"
        ),
        "topic": _pool(
            "the ceasefire talks|the border agreement|the refugee resettlement plan|"
            "the sanctions package|the disputed election results|the water-sharing treaty"
        ),
        "group": _pool("diplomats|opposition lawmakers|aid workers|regional governors|observers"),
        "role": _pool("foreign minister|chief negotiator|senior envoy|deputy prime minister"),
        "thing": _pool(
            "a joint statement|a draft resolution|a framework agreement|a monitoring mission"
        ),
    },
    "northkorea": {
        "place": _pool("Pyongyang|Sinuiju|Wonsan|Kaesong|Hamhung|Panmunjom|Dandong|Rason"),
        "org": _pool(
            "the Workers’ Party|the Rodong Sinmun|the Korean People’s Army|"
            "the State Affairs Commission|the Unification Ministry|the Supreme People’s Assembly"
        ),
        "topic": _pool(
            "the school supplies factory|the five-year economic plan|the new bridge over the Yalu|"
            "the missile launch schedule|the border customs expansion|the regional factory drive"
        ),
        "group": _pool("defectors|party officials|border traders|Seoul analysts|factory managers"),
        "role": _pool("general secretary|vice minister|party secretary|spokesperson"),
        "thing": _pool("a military parade|a party plenum|a summit invitation|a trade corridor"),
    },
    "tech": {
        "place": _pool("Seoul|Austin|Bangalore|Berlin|Shenzhen|Tallinn|Toronto|Helsinki"),
        "org": _pool(
            "the chipmaker Lumen Semiconductor|the startup Brightloop|the watchmaker Pulsewear|"
            "the cloud provider Stratus|the data protection regulator|the cybersecurity agency"
        ),
        "topic": _pool(
            "the software update|the battery recall|the new privacy rules|the AI safety guidelines|"
            "the satellite broadband rollout|the chip export controls|the step-count fix"
        ),
        "group": _pool("app developers|security researchers|early adopters|privacy advocates"),
        "role": _pool("chief technology officer|product lead|security researcher|regulator"),
        "thing": _pool("a patch|an open-source toolkit|a bug bounty|a hardware refresh"),
    },
    "business": {
        "place": _pool("Frankfurt|Singapore|Chicago|São Paulo|Johannesburg|Mumbai|Rotterdam|Osaka"),
        "org": _pool(
            "the central bank|the port authority|the retail chain Northgate|the airline Skyreach|"
            "the shipping group Meridian|the competition watchdog"
        ),
        "topic": _pool(
            "the interest rate decision|the merger review|the quarterly earnings|"
            "the new tariff schedule|the pension reform|the factory expansion|the wage agreement"
        ),
        "group": _pool("investors|small business owners|factory workers|analysts|shareholders"),
        "role": _pool("chief executive|finance director|chief economist|board member"),
        "thing": _pool("a share buyback|a rescue loan|a price freeze|a hiring plan"),
    },
    "science": {
        "place": _pool("Cambridge|Kyoto|Uppsala|Boulder|Heidelberg|Melbourne|Reykjavík|Cape Town"),
        "org": _pool(
            "the space agency|the national weather service|the university’s genetics lab|"
            "the marine research institute|the observatory team|the vaccine advisory panel"
        ),
        "topic": _pool(
            "the comet observations|the drought forecast|the gene therapy trial|the coral survey|"
            "the fusion experiment|the new climate model|the glacier measurements"
        ),
        "group": _pool("researchers|field biologists|astronomers|climate scientists|volunteers"),
        "role": _pool("lead author|principal investigator|mission scientist|lab director"),
        "thing": _pool("a peer-reviewed paper|a sample archive|a research vessel|a data release"),
    },
    "culture": {
        "place": _pool("Edinburgh|Seville|Lagos|Montreal|Kraków|Marrakesh|Busan|Venice"),
        "org": _pool(
            "the national theatre|the city’s film festival|the museum’s board|the arts council|"
            "the publishers’ association|the philharmonic orchestra"
        ),
        "topic": _pool(
            "the restoration project|the festival lineup|the new opera production|"
            "the literary prize shortlist|the street art program|the heritage listing"
        ),
        "group": _pool("critics|local artists|festival-goers|museum curators|booksellers"),
        "role": _pool("artistic director|curator|festival director|head librarian"),
        "thing": _pool("a touring exhibition|a new commission|a ticket subsidy|a public archive"),
    },
}

DAYS = _pool("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
MONTHS = _pool(
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
ADJ = _pool(
    "cautious|ambitious|premature|overdue|fragile|pragmatic|costly|unusual|decisive|modest|"
    "symbolic|unworkable|reasonable|rushed"
)
VFUT = _pool(
    "move ahead|be reviewed|be scaled back|take effect|be put to a vote|be delayed again|"
    "go to a second round|be expanded"
)
PROBLEM = _pool(
    "rising costs|the shortage of skilled staff|years of underinvestment|the backlog of cases|"
    "public distrust|the gap between regions|aging infrastructure|the funding shortfall"
)
DEMAND = _pool(
    "publish the full figures|delay the vote|hold public hearings|explain the timetable|"
    "release the draft text|commission an independent review"
)
METRIC = _pool("spending|output|attendance|exports|waiting times|approval ratings|prices")
MOVED = _pool("rose|fell|climbed|dropped|edged up|slipped")
PERIOD = _pool("quarter|year|six months|two years|season")
ORD = _pool("second|third|fourth|fifth")
REACT = _pool("sharp criticism|quiet approval|mixed reactions|an angry response|praise")
QUOTES = _pool(
    "We are not going to rush this|This is a turning point for everyone involved|"
    "Nobody expected the numbers to move this quickly|"
    "We’ve heard the concerns and we’re acting on them|"
    "It’s too early to say what this means for families|The details matter more than the headline|"
    "We can’t afford another year like the last one|People deserve a straight answer|"
    "Our job is to make sure this works on the ground|I don’t think anyone’s satisfied yet"
)
SUBHEADS = _pool(
    "What Comes Next|A Shift in Strategy|The View From the Ground|Questions Remain|"
    "Behind the Numbers|A Long Road|Who Pays|The Fine Print|Mixed Signals|Looking Ahead"
)
SHOUTS = _pool("ZERO POWER|BREAKING|EXCLUSIVE|ANALYSIS|WATCH|CHILD’S PLAY")
CREDITS = _pool("Demo Daily Photo|Wire Pool Photo|Staff Photographer Ana Ruiz|Handout|City Archive")
UNITS = _pool("delegation|press office|executive committee|advisory board|working group")
EVENTS = _pool(
    "a ceremony marking the anniversary|a closed-door briefing|the opening session|"
    "a press conference|a site visit|the annual summit"
)

# Each template is one full sentence; fields are filled from the article's context.
SENTENCES = _pool(
    "{P} said on {day} that {topic} would {vfut} before the end of {month}.|"
    "Officials in {place} described {topic} as “{adj} but {adj2},” a phrase that drew {react} "
    "from {group}.|"
    "Figures released by {org} show that {metric} {moved} {n} percent over the past {period}.|"
    "Critics argue that {topic} will do little to address {problem}, and several {group} have "
    "asked {org} to {demand}.|"
    "The plan, first outlined in {month} {year}, calls for {thing} and a review of {topic} "
    "within {n2} months.|"
    "{Group} in {place} said they had not been consulted, although {org} insisted the process "
    "was {adj}.|"
    "According to people familiar with the discussions, {Pshort} has pressed for {thing} since "
    "at least {year}.|"
    "It is the {ord} time in {n2} years that {org} has revisited {topic}, and the first since "
    "{year}.|"
    "{Pshort}’s office did not respond to a request for comment on {day}.|"
    "In {place}, where {group} have long complained about {problem}, the reaction was {adj}.|"
    "The announcement came hours after {Q2} warned that {topic} could stall if {problem} went "
    "unaddressed.|"
    "{Pshort} later added that {org} “will not back down,” even as {group} questioned the "
    "timing.|"
    "Analysts noted that {topic} points to a broader shift in how {org} approaches {problem}.|"
    "Some {group} welcomed the move, calling it “{adj} and long overdue.”|"
    "“{quote},” {Q2}, a {role} with {org}, told reporters in {place}.|"
    "“{quote},” {Pshort} said, adding that {thing} was still on the table.|"
    "The cost of {topic} has been estimated at {n} million dollars, roughly {n2} times the "
    "original budget.|"
    "Documents seen by reporters suggest that {org} considered {thing} as early as {month}.|"
    "{Group} have until {month} to submit their comments, after which {org} will publish a "
    "final version.|"
    "Neither {org} nor {Q2} would say whether {thing} had been discussed directly.|"
    "For {group}, the question is less about {topic} itself than about {problem}.|"
    "Turnout at the public meetings in {place} was higher than expected, with {n} people "
    "attending the first session.|"
    "A spokesperson for {org} said the timetable was “{adj}, not {adj2}.”|"
    "The debate over {topic} has exposed old divisions between {group} and {org}.|"
    "Last {day}, {Pshort} told a meeting in {place} that {problem} had been "
    "“ignored for too long.”|"
    "Few expect a quick resolution, and {group} say they’re preparing for a long dispute.|"
    "The proposal would also create {thing}, something {group} have requested since {year}.|"
    "{Q2}, who has followed {topic} closely, called the latest move “{adj}.”|"
    "At a hearing in {place} on {day}, {Pshort} was asked twice about {problem} and declined to "
    "give a date.|"
    "{Org} first raised concerns about {problem} in {month} {year}, according to an internal memo.|"
    "“{quote},” said {Q2}, who sits on a committee that oversees {topic}.|"
    "By one estimate, {n} percent of {group} in {place} expect the changes to affect them "
    "directly.|"
    "{Pshort} has made {topic} a central part of the agenda since taking office in {year}.|"
    "The {ord} draft, circulated on {day}, dropped a clause on {thing} that {group} had "
    "opposed.|"
    "“{quote},” {Pshort} wrote in a letter to {group}, which was shared online.|"
    "Supporters point out that {thing} worked well in {place} when it was tried in {year}.|"
    "It remains unclear how {org} will pay for {thing} if the decline in {metric} continues.|"
    "A poll published on {day} found that {n} percent of respondents backed {topic}, down from "
    "{n2} points a year earlier.|"
    "{Q2} said the talks in {place} had been “{adj}” but that {group} still had questions."
)
TEASERS = _pool(
    "{P} pressed {org} on {topic}, as {group} in {place} warned about {problem}.|"
    "{Org} says {topic} will {vfut}, but {group} want answers on {problem} first.|"
    "A look at how {topic} could change life in {place}, and why {group} are divided.|"
    "{Group} question {org}’s handling of {topic} after another {adj} week in {place}."
)
HEADLINES = _pool(
    "{Place} {Group} Push Back on {Topic} as {Org} Weighs {Thing}|"
    "{Last} Says {Topic} Will {Vfut} by {month}|"
    "At {Event} in {Place}, {Last} and {Last2} Signal Shift on {Topic}|"
    "{Topic} Could Fix {Problem}—Here’s What’s New|"
    "{Shout}: {Org} Cannot Even Agree on {Topic}—{Group} Say the Delay Is Real|"
    "Why {Group} in {Place} Are Betting on {Topic}|"
    "Inside {Org}’s Plan for {Thing} in {Place}|"
    "{Org} Omits ‘{Adj}’ From Statement, Signaling Tighter Line on {Topic}|"
    "{Group} Warn {Topic} Could Stall Without {Thing}|"
    "What {Last}’s Visit to {Place} Means for {Topic}|"
    "{Topic}: {Org} Sets {month} Deadline After {Problem}|"
    "{Last} Faces {Group} Over {Topic} in {Place}"
)
CAPTIONS = _pool(
    "{P}, {role} of {org}, speaks with {Q2} during {event} at {place}’s city hall on "
    "{month} {dom} / {credit}|"
    "{Group} gather outside the offices of {org} in {place} on {month} {dom}, ahead of "
    "{Pshort}’s speech on {topic} / {credit}|"
    "{P} arrives in {place} for talks on {topic} with members of the {group}’ forum and "
    "{org}’s {unit} / {credit}"
)

"""Vocabularies for generated decks, and a picker that draws from them.

Every string here is plain ASCII (plus curly quotes and the ellipsis): the font
that ships with pillow has no glyphs for accents, dashes or arrows.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

# Shared across themes: the language of conference talks everywhere.
GERUNDS = (
    "Synergizing", "Disrupting", "Reimagining", "Gamifying", "Democratizing",
    "Future-Proofing", "Crowdsourcing", "Monetizing", "Blockchaining", "Rebranding",
    "Operationalizing", "Upcycling", "Hyper-Personalizing", "Rightsizing",
    "Tokenizing", "Unbundling", "Supercharging", "Rewilding", "Deconstructing",
    "Onboarding", "Containerizing", "Hacking",
)
VERBS = (
    "Leverage", "Synergize", "Disrupt", "Gamify", "Monetize", "Streamline",
    "Reimagine", "Crowdsource", "Optimize", "Unbundle", "Tokenize", "Democratize",
    "Incentivize", "Future-proof", "Upcycle", "Re-platform", "Socialize",
)
BUZZ = (
    "Blockchain", "AI", "Synergy", "the Cloud", "Big Data", "the Metaverse",
    "Gamification", "Machine Learning", "Web 3.0", "Quantum Computing",
    "Mindfulness", "Design Thinking", "Growth Hacking", "the Internet of Things",
    "Agile", "NFTs", "Kanban", "Vibes", "Crypto", "Microlearning", "Edge Computing",
    "Radical Transparency",
)
ADJECTIVES = (
    "Disruptive", "Holistic", "Agile", "Frictionless", "Data-Driven", "Post-Digital",
    "Radical", "Scalable", "Sustainable", "Human-Centered", "Hyperlocal",
    "Cloud-Native", "Gluten-Free", "Artisanal", "Mission-Critical", "Omnichannel",
    "Zero-Trust", "Bespoke", "Next-Generation", "Carbon-Neutral", "Serverless",
    "Open-Source", "Award-Winning", "Quantum",
)
ODD = (
    "My Cat", "a Broken Photocopier", "Medieval Monks", "Competitive Cheese Rolling",
    "a Goat Named Kevin", "the Tamagotchi Craze", "Jazz Hands", "IKEA Instructions",
    "My Sourdough Starter", "Pirates", "Bees", "Pigeons", "Victorian Ghost Stories",
    "Interpretive Dance", "Toddlers", "Karaoke Night", "Reality TV", "Lost Socks",
    "a Very Old Parrot", "Board Game Night",
)
DIMENSIONS = (
    "Mood", "Moon Phase", "Day of the Week", "Zodiac Sign", "Hat Size", "Weather",
    "Favorite Font", "Favorite Snack", "Shoe Size", "Decade", "Coffee Intake",
    "Volume Level", "Sock Color", "Vibe", "Time Zone", "Font Size",
)
SOURCES = (
    "Source: a survey of my cat (n=3)", "Source: trust me", "Source: the internet",
    "Source: vibes", "Data made up on the train", "Source: Wikipedia, probably",
    "Margin of error: \u00b1100%", "Source: a napkin", "Source: a dream I had",
    "Numbers rounded to the nearest feeling", "Source: my uncle",
    "Figures not to scale, or to reality", "Peer review pending",
)
ATTRIBUTIONS = (
    "Melvil Dewey, probably", "Ada Lovelace (disputed)", "Anonymous Consultant",
    "My Uncle Gary", "Sun Tzu, The Art of Agile", "A Fortune Cookie, 2014",
    "Albert Einstein (citation needed)", "Someone on a Podcast", "The Intern",
    "Grace Hopper (paraphrased, badly)", "Socrates, at a startup mixer",
    "A Motivational Poster", "The Break Room Whiteboard", "Shakespeare, allegedly",
    "A LinkedIn Influencer", "Aristotle (unverified)", "My Horoscope",
    "The Office Plant", "Abraham Lincoln, on the internet", "The Last Slide of Another Deck",
)
QUOTES = (
    "The future is already here. It's just not evenly catalogued.",
    "Synergy is just teamwork wearing a blazer.",
    "In the long run, we are all legacy systems.",
    "Never trust a pie chart that adds up to 100%.",
    "Data is the new oil: messy, and everybody spills it.",
    "If it isn't on a slide, did it even happen?",
    "Be the change you want to see in the quarterly report.",
    "There is no 'I' in team, but there are two in 'initiative'.",
    "A goal without a pie chart is just a wish.",
    "Whatever you do, do it with a clicker.",
    "The best time to pivot was twenty years ago. The second best time is now.",
)
ROLES = (
    "Chief Vibes Officer", "VP of Synergy", "Head of Snacks", "Director of Buzzwords",
    "Senior Intern", "Chief Meeting Scheduler", "Head of Circling Back",
    "VP of Pivoting", "Lead Whiteboard Artist", "Principal Napper",
    "Staff Overthinker", "Keeper of the Stapler", "Chief Slide Officer",
    "Director of Vibes", "Associate Dreamer", "Head of Fonts",
    "VP of Sticky Notes", "Junior Visionary", "Chair of Chairs", "Wizard",
    "Regional Manager", "Assistant to the Regional Manager", "Part-Time Oracle",
    "Interim Everything",
)
TOP_ROLES = (
    "The Boss", "Grand Poobah", "Chief Everything Officer", "Supreme Leader of Strategy",
    "The Board (a cat)", "Executive Visionary", "The Committee", "Our Founder",
)
CENTERS = (
    "Us", "Synergy", "Profit?", "Magic", "The Sweet Spot", "Unicorns", "Snacks",
    "???", "Success", "Nobody", "Innovation", "Lunch",
)
AXES = (
    ("Effort", "Impact"), ("Cost", "Vibes"), ("Complexity", "Snack Value"),
    ("Urgency", "Shininess"), ("Feasibility", "Buzz"), ("Risk", "Coolness"),
    ("Budget", "Enthusiasm"), ("Paperwork", "Fun"), ("Time", "Glitter"),
)
QUADRANTS = (
    "Quick Wins", "Moonshots", "Time Sinks", "Meh", "Thankless Tasks",
    "Shiny Objects", "Pet Projects", "Sweet Spot", "Danger Zone", "Nap Zone",
    "Big Bets", "Hard Pass", "Someday", "Yes, Chef",
)
PROCESSES = (
    ("Ideate", "Synergize", "???", "Profit"),
    ("Plan", "Do", "Panic", "Rebrand"),
    ("Discover", "Define", "Deliver", "Debrief", "Nap"),
    ("Ask", "Search", "Ask Again", "Give Up"),
    ("Build", "Measure", "Learn", "Pivot", "Repeat"),
    ("Dream", "Scheme", "Meet", "Meet Again", "Ship"),
    ("Listen", "Nod", "Pivot"),
    ("Brainstorm", "Whiteboard", "Photograph the Whiteboard", "Forget"),
    ("Form", "Storm", "Norm", "Perform", "Snack"),
)
FUNNELS = (
    ("Awareness", "Interest", "Confusion", "Snacks", "Commitment"),
    ("Curious", "Intrigued", "Overwhelmed", "Caffeinated", "Converted"),
    ("Leads", "Prospects", "Meetings", "More Meetings", "A Deal"),
    ("Ideas", "Proposals", "Approved", "Funded", "Done (ish)"),
    ("Heard of Us", "Visited", "Got Lost", "Asked for Help", "Came Back"),
)
ENDINGS = (
    "Any questions?", "Thank you!", "Questions?", "Thanks! Questions?",
    "The End?", "Thank you. Questions?", "Let's synergize!", "Fin.", "Thanks for listening!",
)
ENDING_SUBS = (
    "Slides available upon request, never", "Find me at the snack table",
    "No questions, please", "Please rate this talk five stars",
    "Powered by caffeine and hope", "This slide intentionally left hopeful",
    "Bring questions to my office hours (Tuesdays, 3 to 3:05 am)",
    "Any resemblance to real data is coincidental", "Now accepting applause",
)
HANDLES = (
    "@synergy_wizard", "@the_real_pivot", "@slides4days", "@bullet_point_pro",
    "@chart_enjoyer", "@deck_the_halls", "@not_a_robot_42", "@coffee_then_slides",
)
PRESENTERS = (
    "A. N. Onymous", "Dr. Pat Placeholder", "J. Doe, PhD (pending)", "Sam Slidewell",
    "Terry Template", "Lee Lorem-Ipsum", "Morgan Metadata", "Alex Keynote",
    "Robin Roadmap", "Casey Clicker",
)
CAPTIONS = (
    "Fig. 1: Our new {place} (artist's impression)",
    "Actual photo of {people} after the reorg",
    "Our stakeholders, visualized",
    "Where we're going",
    "Me, explaining {buzz}",
    "The view from {place}",
    "This is fine.",
    "Stock photo: '{people} being innovative'",
    "The inspiration for this talk",
    "Fig. 7: {buzz}, as seen from above",
    "Our team retreat (budget edition)",
    "Not pictured: the deadline",
)
KICKERS = ("Fun fact", "Did you know?", "Key insight", "Let that sink in", "Big if true", "By the numbers")
SUBTITLES = (
    "A {adj} Approach", "Lessons from {place}", "Year One Report", "A Case Study",
    "Findings from a Pilot Nobody Asked For", "A Modest Proposal", "Version 2.0",
    "Draft 17 (final) (FINAL)", "An Unapologetic Roadmap", "What We Learned, Eventually",
)

TITLES = (
    "{Gerund} the {thing}: A {buzz} Roadmap",
    "{thing} as a Service",
    "Why Your {thing} Needs {buzz}",
    "{n} Things {people} Won't Tell You About {stuff}",
    "Beyond the {thing}: {Gerund} {stuff} at Scale",
    "From {thing} to {buzz}: Our Journey",
    "{buzz} and the Future of the {thing}",
    "What {odd} Taught Us About {stuff}",
    "Move Fast and {Verb} {stuff}",
    "The {adj} {thing}: Lessons from {place}",
    "The {thing} Is Dead. Long Live the {thing2}!",
    "Toward a {adj} Theory of {stuff}",
    "Disrupting {place}, One {thing} at a Time",
    "{stuff}, {stuff2}, and {buzz}",
    "Is the {thing} the New {thing2}?",
    "{Gerund} {people} with {buzz}",
    "A {adj} Framework for {stuff}",
    "Everything I Know About {stuff} I Learned from {odd}",
)
HEADLINES = {
    "bar": (
        "{stuff} by {dimension}", "{stuff} per {thing}", "Quarterly {stuff}", "Key Metrics",
        "Benchmarking {stuff}", "{stuff}: Year over Year", "The Numbers Don't Lie",
    ),
    "pie": (
        "Where the Budget Goes", "Share of {stuff}", "{stuff}: A Breakdown",
        "Time Allocation", "What {people} Want", "How We Spend Our Day",
    ),
    "line": (
        "Projected Growth of {stuff}", "{stuff} Over Time", "Up and to the Right",
        "Our Trajectory", "Adoption of {buzz}", "Forecast (Optimistic)",
    ),
    "timeline": (
        "Roadmap", "A Brief History of the {thing}", "The Journey So Far", "Milestones",
        "Five-Year Plan", "How We Got Here",
    ),
    "venn": (
        "Where the Magic Happens", "Finding the Sweet Spot", "Core Competencies",
        "Our Value Proposition", "It's All Connected",
    ),
    "matrix": (
        "Strategic Positioning", "The Magic Quadrant", "Prioritization Matrix",
        "Competitive Landscape", "Where Everything Fits",
    ),
    "org": ("New Org Structure", "Who Does What", "Governance Model", "The Team", "Reporting Lines"),
    "bullets": (
        "Key Takeaways", "Action Items", "Strategic Pillars", "Next Steps", "Lessons Learned",
        "Our Mission", "Guiding Principles", "Why Now?",
    ),
    "process": ("Our Process", "The Framework", "Workflow 2.0", "How It Works", "The {Gerund} Pipeline"),
    "funnel": ("The {people} Funnel", "Conversion Funnel", "From Curious to Committed", "Engagement Pipeline"),
    "photo": ("Case Study", "Field Report", "Exhibit A", "Setting the Scene", "Vision"),
}
BULLETS = (
    "{Verb} {stuff} with {buzz}",
    "Align {stuff} to {adj_lower} outcomes",
    "A {adj_lower} {thing} by Q{q}",
    "Circle back on {stuff}",
    "Leverage {people} as a platform",
    "Replace the {thing} with {buzz}",
    "{n}x more {stuff}, {n2}x fewer {stuff2}",
    "Pilot a {adj_lower} {thing} in {place}",
    "Empower {people} to {verb_lower} {stuff}",
    "Sunset the {thing} (again)",
    "Stakeholder buy-in for {stuff}",
    "Move the {thing} to {buzz}",
    "Celebrate {stuff} weekly",
    "{Verb} first, ask questions later",
    "Never mention the {thing} again",
    "Form a committee on {stuff}",
)

THEME_WORDS: dict[str, dict[str, Sequence]] = {
    "library": {
        "things": (
            "Card Catalog", "Reference Desk", "Bookmobile", "Due Date Stamp",
            "Microfiche Reader", "Book Drop", "Discovery Layer", "Library Card",
            "Call Number", "Makerspace", "Quiet Zone", "Photocopier", "Reading Room",
            "Dewey Decimal System", "Cataloging Backlog", "Institutional Repository",
            "Finding Aid", "Circulation Desk", "Overdue Notice", "Shelf List",
            "Library Cat", "Story Time", "Periodicals Room", "Book Cart", "OPAC",
        ),
        "stuff": (
            "Patrons", "Overdue Fines", "MARC Records", "Bookmarks", "Library Cards",
            "Microfiche", "Call Numbers", "Metadata", "Subject Headings",
            "Interlibrary Loans", "Board Books", "Study Rooms", "Book Carts",
            "Reference Questions", "Shushes", "Bibliographies", "Due Dates",
            "Weeded Books", "Tote Bags", "Library Cats", "Cardigans",
        ),
        "people": (
            "Patrons", "Librarians", "Catalogers", "Archivists", "Volunteers", "Trustees",
            "Undergraduates", "Toddlers", "Bookworms",
        ),
        "places": (
            "the Reference Desk", "the Stacks", "Special Collections", "the Basement Archive",
            "the Children's Room", "the Periodicals Room", "the Makerspace", "the Staff Lounge",
            "the Bookmobile",
        ),
        "labels": (
            "Fines", "Shushes", "Tote Bags", "Holds", "Renewals", "Fiche", "Bookmarks",
            "Due Dates", "Paper Cuts", "Dust", "Carts", "Stamps", "Cats", "Donuts",
            "Laminating", "Weeding", "Puzzles", "Wi-Fi", "Cardigans", "Glue Sticks",
        ),
        "numbers": (
            "of patrons ask where the bathroom is", "of books are shelved one spot to the left",
            "of reference questions are about the printer", "of catalog records mention llamas",
            "of overdue books come back smelling of soup", "of the budget goes to tote bags",
            "of librarians own at least one cardigan", "of holds are for the same cookbook",
            "of the stacks have never been visited", "of patrons think the library is closed",
        ),
        "quotes": (
            "A library without a cat is just a warehouse with opinions.",
            "Shhh is not a policy. It's a lifestyle.",
            "Every book its reader; every reader a QR code.",
            "Weed early, weed often.",
            "The catalog is not a river. You can step in it twice.",
            "Metadata is a love letter to the future.",
            "Never argue with a cataloger about commas.",
            "Information wants to be free. Late fees want to be paid.",
        ),
        "events": (
            "Card catalog invented", "First overdue fine", "Microfiche, briefly cool",
            "Dewey gets a hashtag", "Battledecks invented", "The Great Weeding",
            "Self-checkout rebellion", "Catalog moves to the cloud", "Blockchain card catalog",
            "Robot shelvers unionize", "Quiet zone achieved", "Bookmobile goes electric",
            "Library cat promoted", "Last fax sent",
        ),
        "funnels": (
            ("Walked In", "Found a Book", "Asked Where the Bathroom Is", "Got a Card", "Returned the Book"),
        ),
        "conferences": (
            "#LibraryCon", "Annual Meeting of Reference Enthusiasts", "#CardCatalogCamp",
            "Midwinter Stacks Summit", "#Code4Shelf", "Battledecks Library Edition",
        ),
    },
    "tech": {
        "things": (
            "Monolith", "Microservice", "Kubernetes Cluster", "Data Lake", "Standup Meeting",
            "Legacy Codebase", "Pull Request", "CI Pipeline", "Dashboard", "Chatbot",
            "Smart Fridge", "Server Rack", "Spreadsheet", "Jira Ticket", "Startup",
            "Mobile App", "API Gateway", "Feature Flag", "Hackathon", "Firewall",
            "Fax Machine", "YAML File", "Cron Job", "Load Balancer", "Password Manager",
        ),
        "stuff": (
            "Microservices", "Containers", "Pull Requests", "Story Points", "Unit Tests",
            "Dashboards", "Stand-ups", "Edge Cases", "Sprints", "Bugs", "Cookies", "Pixels",
            "Passwords", "Notifications", "Dependencies", "Meetings", "Merge Conflicts",
            "Emojis", "Servers", "Spreadsheets", "Tabs and Spaces",
        ),
        "people": (
            "Developers", "Product Managers", "Stakeholders", "Users", "Interns", "Founders",
            "Sysadmins", "Investors", "Designers",
        ),
        "places": (
            "the Server Room", "the Open-Plan Office", "Production", "the War Room",
            "the Ping-Pong Table", "the Staging Server", "the Help Desk", "the Data Center",
        ),
        "labels": (
            "Bugs", "Coffee", "Tabs", "Spaces", "Pings", "Memes", "Uptime", "Tickets",
            "Emojis", "Meetings", "YAML", "Pizza", "Sprints", "Hype", "Cookies", "Forks",
            "Stars", "Latency", "Rebases", "Reboots",
        ),
        "numbers": (
            "of meetings could have been an email", "of the codebase is TODO comments",
            "of users never read the docs", "of bugs are features in disguise",
            "of uptime happens on weekends", "of problems were fixed by restarting",
            "of servers are named after cats", "of the roadmap is vibes",
            "of tickets say 'quick fix'", "of passwords are 'password'",
        ),
        "quotes": (
            "It works on my machine.",
            "Real artists ship. Everyone else files tickets.",
            "Any sufficiently advanced bug is indistinguishable from a feature.",
            "We don't have bugs. We have surprise features.",
            "Just one more microservice.",
            "Have you tried turning the company off and on again?",
            "Weeks of coding can save you hours of planning.",
            "There is no cloud. There is only someone else's basement.",
        ),
        "events": (
            "First line of code", "Moved to the cloud", "Moved back from the cloud",
            "The blockchain phase", "Rewrote it in Rust", "Added AI to the toaster",
            "The Great Outage", "Tabs vs. spaces armistice", "IPO (imaginary)",
            "Fax machine retired", "Sentient spreadsheet", "Dark mode shipped",
            "Everything is a chatbot", "Legacy code becomes vintage",
        ),
        "funnels": (
            ("Sign-ups", "Logins", "Clicked Something", "Paid", "Read the Docs"),
        ),
        "conferences": (
            "#TechMeetup", "DevConf Unplugged", "#ShipItSummit", "Cloud Native Bake-Off",
            "#YAMLcon", "Lightning Talks Night",
        ),
    },
    "science": {
        "things": (
            "Control Group", "Grant Proposal", "Lab Notebook", "Centrifuge", "Peer Review",
            "Petri Dish", "Fume Hood", "Hypothesis", "Error Bar", "Pipette",
            "Particle Accelerator", "Telescope", "Research Poster", "Lab Coat", "Microscope",
            "Null Hypothesis", "Sample Size", "Freezer", "Postdoc", "Field Trip",
            "Tenure Clock", "Bunsen Burner", "Lab Meeting",
        ),
        "stuff": (
            "P-Values", "Fruit Flies", "Error Bars", "Citations", "Lab Coats", "Pipettes",
            "Petri Dishes", "Grant Deadlines", "Footnotes", "Outliers", "Control Groups",
            "Data Points", "Beakers", "Postdocs", "Reviewers", "Mitochondria", "Samples",
            "Figures", "Sticky Notes", "Spreadsheets", "Hypotheses",
        ),
        "people": (
            "Postdocs", "Grad Students", "Reviewers", "Lab Technicians", "Undergraduates",
            "Fruit Flies", "Grant Officers", "Principal Investigators", "Field Biologists",
        ),
        "places": (
            "the Lab", "the Cold Room", "the Field Station", "the Observatory",
            "the Fume Hood", "the Departmental Kitchen", "the Basement Lab",
            "Reviewer 2's Desk",
        ),
        "labels": (
            "Outliers", "Coffee", "Grants", "Flies", "Beakers", "Citations", "Footnotes",
            "Samples", "P-Values", "Ice", "Agar", "Reviewers", "Pipettes", "Goggles",
            "Slides", "Mice", "Moss", "Noise", "Tubes", "Gloves",
        ),
        "numbers": (
            "of results are significant if you squint", "of lab coats have never been washed",
            "of error bars are decorative", "of fruit flies have tenure",
            "of grant budgets go to pipette tips", "of reviewers asked for more experiments",
            "of samples are labeled 'misc'", "of data points are named after pets",
            "of the freezer is someone's lunch", "of experiments worked the first time (n=1)",
        ),
        "quotes": (
            "Correlation is not causation, but it is a great title.",
            "If at first you don't succeed, call it a pilot study.",
            "The plural of anecdote is 'preliminary data'.",
            "Reviewer 2 is always watching.",
            "In theory, theory and practice are the same.",
            "Science is 10% inspiration and 90% relabeling tubes.",
            "Trust the process. Check the error bars.",
            "Never let the data get in the way of a good figure.",
        ),
        "events": (
            "Hypothesis formed", "Grant submitted", "Grant rejected", "Grant resubmitted",
            "Fruit flies escape", "Data collected (mostly)", "Reviewer 2 strikes",
            "Paper accepted", "Nobel Prize (pending)", "Coffee machine breaks",
            "The Great Freezer Failure", "Replication attempt", "Poster printed upside down",
            "Centrifuge achieves orbit",
        ),
        "funnels": (
            ("Hypotheses", "Experiments", "Results", "Significant Results", "Published"),
        ),
        "conferences": (
            "#SciComm", "Annual Symposium of Mild Results", "#LabLife Summit",
            "Journal Club Live", "#PosterSession", "Conference of Inconclusive Findings",
        ),
    },
}


class Words:
    """Draws words for one deck, avoiding repeats until a list runs out.

    Args:
        theme: one of the keys of THEME_WORDS.
        rng: the deck's random source.
    """

    def __init__(self, theme: str, rng: random.Random) -> None:
        self.rng = rng
        self.theme = THEME_WORDS[theme]
        self._bags: dict[tuple, list] = {}

    def pick(self, options: Sequence):
        """One item from options; repeats only after all have been used."""
        # Keyed by value, not id(): ids differ between runs and would break determinism.
        key = tuple(options)
        bag = self._bags.get(key)
        if not bag:
            bag = list(key)
            self.rng.shuffle(bag)
            self._bags[key] = bag
        return bag.pop()

    def of(self, key: str):
        """One item from this theme's list named key."""
        return self.pick(self.theme[key])

    def fill(self, template: str) -> str:
        """Fills the {slots} of template with fresh words."""
        thing, thing2 = self.of("things"), self.of("things")
        stuff, stuff2 = self.of("stuff"), self.of("stuff")
        people = self.of("people")
        adj = self.pick(ADJECTIVES)
        verb = self.pick(VERBS)
        values = {
            "Gerund": self.pick(GERUNDS), "Verb": verb, "verb_lower": verb.lower(),
            "buzz": self.pick(BUZZ), "adj": adj, "adj_lower": adj.lower(),
            # Nouns keep their capitals even mid-sentence ("MARC Records", "Jira Ticket").
            "thing": thing, "thing2": thing2, "stuff": stuff, "stuff2": stuff2, "people": people,
            "place": self.of("places"), "odd": self.pick(ODD), "dimension": self.pick(DIMENSIONS),
            "n": self.rng.choice((3, 5, 7, 9, 10, 12, 42)), "n2": self.rng.choice((2, 3, 4, 10)),
            "q": self.rng.randint(1, 4),
        }
        text = template.format(**values)
        # Articles that the slots made wrong: "A the Cloud Roadmap", "A Agile Framework".
        text = re.sub(r"\b([Aa]) the ", r"\1 ", text)
        text = re.sub(r"\b([Aa]) (?=[AEIOUaeiou])", r"\1n ", text)
        return text[0].upper() + text[1:]

    def title(self) -> str:
        """An absurd talk title."""
        return self.fill(self.pick(TITLES))

    def headline(self, kind: str) -> str:
        """A slide headline fitting a slide kind."""
        return self.fill(self.pick(HEADLINES[kind]))

    def labels(self, count: int) -> list[str]:
        """Distinct short chart labels."""
        return self.rng.sample(list(self.theme["labels"]), count)

    def quote(self) -> str:
        """A fake inspirational quote, from this theme or the shared pool."""
        if self.rng.random() < 0.6:
            return self.of("quotes")
        return self.pick(QUOTES)

    def funnel(self) -> tuple[str, ...]:
        """Stage names of a funnel, widest first."""
        return self.pick(tuple(FUNNELS) + tuple(self.theme["funnels"]))

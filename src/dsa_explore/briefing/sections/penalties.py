"""Briefing section: DSA penalty ceilings for the platform's turnover."""

from __future__ import annotations

from dsa_explore.analysis.penalties import default_turnover, penalty_exposure, penalty_rules
from dsa_explore.briefing.model import Fact, Section, Sentence, Source
from dsa_explore.charts.penalties import exposure_chart
from dsa_explore.core import formatting

#: The key of this section in the briefing (``Briefing.show("penalties")``, HTML anchor).
KEY = "penalties"


def section(platform: str) -> Section:
    """Return the penalty-range section of the briefing for ``platform``."""
    rules = penalty_rules()
    src = {
        r["article"]: Source(f"DSA {r['article']}: {r['what']}", url=r["source_url"])
        for r in rules.iter_rows(named=True)
    }
    facts = [
        Fact("share_741", "Art. 74(1) ceiling", 0.06, f"{rules['max_share'][0]:.0%}", src["Art. 74(1)"]),
        Fact("share_742", "Art. 74(2) ceiling", 0.01, f"{rules['max_share'][1]:.0%}", src["Art. 74(2)"]),
        Fact("share_76", "Art. 76 ceiling", 0.05, f"{rules['max_share'][2]:.0%}", src["Art. 76"]),
    ]
    sentences = [
        Sentence(
            "An infringement of the DSA, including a breach of binding commitments, can be fined up to "
            "{share_741} of worldwide annual turnover; misleading information up to {share_742}; "
            "periodic penalties up to {share_76} of average daily turnover per day.",
            summary=True,
        )
    ]
    turnover = default_turnover(platform)
    chart = None
    if turnover is not None:
        exposure = penalty_exposure(turnover.amount, days=30, rules=rules)
        t_src = Source(turnover.describe(), url=turnover.source_url)
        facts += [
            Fact(
                "turnover",
                "turnover",
                turnover.amount,
                formatting.amount(turnover.amount, turnover.currency_unit),
                t_src,
            ),
            Fact(
                "max_741",
                "Art. 74(1) maximum",
                exposure["max_amount"][0],
                formatting.amount(exposure["max_amount"][0], turnover.currency_unit),
                t_src,
            ),
            Fact(
                "max_76_30",
                "Art. 76 for 30 days",
                exposure["max_amount"][2],
                formatting.amount(exposure["max_amount"][2], turnover.currency_unit),
                t_src,
            ),
        ]
        sentences.append(
            Sentence(
                f"With {turnover.group}'s turnover of {{turnover}} ({turnover.period}), the ceiling "
                "is {max_741}; 30 days of periodic penalties could reach {max_76_30}.",
                summary=True,
            )
        )
        chart = exposure_chart(
            turnover.amount,
            turnover.currency_unit,
            title=f"Penalty ceilings for {platform}",
            group=turnover.group,
            rules=rules,
        )
    else:
        sentences.append(
            Sentence(
                f"No turnover figure for {platform}'s provider is shipped with this project, so no "
                "amount is computed; the ceilings above apply to its worldwide turnover.",
                summary=True,
            )
        )
    return Section(
        key="penalties",
        title="Penalty exposure",
        sentences=sentences,
        facts=facts,
        chart=chart,
        caption="Use the sliders to change turnover and the number of days of periodic penalties.",
        caveats=[
            "Ceilings, not predictions: the Commission sets fines by gravity, duration and recurrence.",
            "Group turnover is used; AliExpress's is Alibaba Group's, derived from quarterly filings.",
        ],
    )

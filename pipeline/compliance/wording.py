"""Plain-language wording of norms for explanations: "at least 1.5 times the tariff rate"."""

from __future__ import annotations

from extractors.numbers import format_value
from schemas.models import Norm, NormValue

# What a lawyer calls each parameter; unknown ids fall back to the id itself.
PARAMETER_LABELS = {
    "wage_indexation.rate": "Wage indexation",
    "minimum_pay.floor": "The lowest tariff rate",
    "wage_payment.frequency": "Frequency of wage payment",
    "premium_pay.overtime": "Overtime pay",
    "premium_pay.night": "Night work pay",
    "premium_pay.holiday": "Pay for work on public holidays",
    "hazard_pay.allowance": "The allowance for harmful conditions",
    "technical_inspector.additional_pay": "Additional pay of the technical inspector",
    "injury_compensation.temporary_disability": "Pay during temporary disability",
    "injury_compensation.death_lump_sum": "Lump sum on death",
    "injury_compensation.disability_lump_sum": "Lump sum on disability",
    "working_time.weekly_hours": "Normal working time",
    "annual_leave.days": "Annual paid leave",
    "annual_leave.additional_days": "Additional annual leave",
    "job_security.notice": "Notice of dismissal",
    "job_security.severance": "Severance pay",
    "social_benefits.recovery_allowance": "The recovery allowance",
    "social_benefits.material_aid": "Material aid",
    "family_maternity.childcare_leave": "Childcare leave",
    "non_discrimination.equal_pay": "Equal pay",
    "non_regression.guarantee": "The ban on lowering guarantees",
    "safety_guarantees.medical_examinations": "Medical examinations",
    "safety_guarantees.safety_council": "The safety council",
    "safety_guarantees.ppe": "Personal protective equipment",
    "union_rights.dues_checkoff": "Check-off of union dues",
    "working_time.daily_hours": "The length of the working day",
    "working_time.rest_between_shifts": "Rest between shifts",
    "working_time.overtime_limit": "The limit on overtime",
    "premium_pay.weekend": "Pay for work on days off",
    "social_benefits.sick_pay_top_up": "The top-up of sick pay",
    "social_benefits.funeral_aid": "Funeral aid",
    "family_maternity.family_event_leave": "Paid leave for family events",
    "family_maternity.childcare_allowance": "The childcare allowance",
    "family_maternity.maternity_top_up": "The top-up of maternity benefit",
    "social_benefits.retirement_award": "The retirement award",
    "safety_guarantees.funding": "Funding of occupational safety",
    "union_rights.funding": "Transfers to the union",
    "job_security.job_search_time": "Paid time to look for work",
    "unassigned": "A quantity whose guarantee was not identified",
}

_UNITS = {  # singular, plural
    "percent": ("percent", "percent"),
    "inflation": ("times the inflation rate", "times the inflation rate"),
    "minimum_wage": ("minimum wage", "minimum wages"),
    "mci": ("MCI", "MCI"),
    "kzt": ("tenge", "tenge"),
    "rub": ("rouble", "roubles"),
    "weeks": ("week", "weeks"),
    "months": ("month", "months"),
    "days": ("day", "days"),
    "calendar_days": ("calendar day", "calendar days"),
    "working_days": ("working day", "working days"),
    "hours": ("hour", "hours"),
    "annual_wage": ("annual wage", "annual wages"),
    "monthly_wage": ("average monthly wage", "average monthly wages"),
    "official_salary": ("official salary", "official salaries"),
    "rate_multiple": ("times the normal rate", "times the normal rate"),
    "times_per_month": ("time a month", "times a month"),
}

_COMPARATORS = {">=": "at least ", "<=": "at most ", "=": "", ">": "more than ", "<": "less than "}


def label(parameter: str | None) -> str:
    if parameter is None:
        return "This guarantee"
    return PARAMETER_LABELS.get(parameter, parameter)




def sets(what: str, norm: Norm | NormValue) -> str:
    """ "sets the lump sum on death at 10 annual wages", "grants check-off of union dues"."""
    what = what[0].lower() + what[1:]
    if norm.unit == "flag":
        granted = "grants" if norm.value >= 1 else "does not grant"
        return f"{granted} {what}" + (f" ({norm.condition})" if norm.condition else "")
    return f"sets {what} at {describe(norm)}"


def describe(norm: Norm | NormValue) -> str:
    """ "at least 1.5 times the normal rate (harmful working conditions)"."""
    if norm.unit == "flag":
        text = "granted" if norm.value >= 1 else "not granted"
    else:
        singular, plural = _UNITS.get(norm.unit, (norm.unit, norm.unit))
        unit = singular if norm.value == 1 else plural
        text = f"{_COMPARATORS[norm.comparator]}{format_value(norm.value)} {unit}"
    if norm.condition:
        text += f" ({norm.condition})"
    return text

"""Targets and indicators (目标监测): what is collected, who reports it, the values, the targets.

Nothing here holds personal data: values are counts and shares per unit and period.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from zhijiao.core.periods import PeriodType, period_label
from zhijiao.core.scope import ScopedQuerySet
from zhijiao.orgs.models import Unit, UnitGroup, User

CODE_VALIDATOR = RegexValidator(
    r"^[A-Z][A-Z0-9_]*$", gettext_lazy("编码只能由大写字母、数字和下划线组成，并以字母开头")
)


class ValueType(models.TextChoices):
    INTEGER = "integer", gettext_lazy("整数")
    NUMBER = "number", gettext_lazy("数值")
    PERCENTAGE = "percentage", gettext_lazy("百分比")
    BOOLEAN = "boolean", gettext_lazy("是/否")
    TEXT = "text", gettext_lazy("文本")
    FILE = "file", gettext_lazy("文件")


NUMERIC_TYPES = frozenset(
    {ValueType.INTEGER, ValueType.NUMBER, ValueType.PERCENTAGE, ValueType.BOOLEAN}
)


class Aggregation(models.TextChoices):
    SUM = "sum", gettext_lazy("求和")
    AVERAGE = "average", gettext_lazy("平均")
    LATEST = "latest", gettext_lazy("取最新值")


class Category(models.Model):
    """A disaggregation, e.g. 培训对象 with options 就业困难人员, 退役军人 …"""

    code = models.CharField(
        gettext_lazy("编码"), max_length=40, unique=True, validators=[CODE_VALIDATOR]
    )
    name = models.CharField(gettext_lazy("名称"), max_length=100)

    class Meta:
        verbose_name = gettext_lazy("分类")
        verbose_name_plural = gettext_lazy("分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CategoryOption(models.Model):
    category = models.ForeignKey(
        Category,
        verbose_name=gettext_lazy("分类"),
        on_delete=models.CASCADE,
        related_name="options",
    )
    code = models.CharField(gettext_lazy("编码"), max_length=40, validators=[CODE_VALIDATOR])
    name = models.CharField(gettext_lazy("名称"), max_length=100)
    position = models.PositiveSmallIntegerField(gettext_lazy("顺序"), default=0)

    class Meta:
        verbose_name = gettext_lazy("分类选项")
        verbose_name_plural = gettext_lazy("分类选项")
        ordering = ["category", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="category_option_unique"),
            models.UniqueConstraint(fields=["category", "name"], name="category_option_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DataElement(models.Model):
    """One figure collected per unit and period, e.g. 专业课教师数 (人)."""

    code = models.CharField(
        gettext_lazy("编码"), max_length=40, unique=True, validators=[CODE_VALIDATOR]
    )
    name = models.CharField(gettext_lazy("名称"), max_length=100)
    unit_of_measure = models.CharField(gettext_lazy("计量单位"), max_length=20, blank=True)
    value_type = models.CharField(
        gettext_lazy("值类型"), max_length=12, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        gettext_lazy("汇总方式"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    category = models.ForeignKey(
        Category,
        verbose_name=gettext_lazy("分类（细分）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elements",
    )
    min_value = models.DecimalField(
        gettext_lazy("最小值"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        gettext_lazy("最大值"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(
        gettext_lazy("数据来源"),
        max_length=60,
        blank=True,
        help_text=gettext_lazy(
            "留空表示由单位填报；填写来源编码表示由其他模块的登记数据自动计算。"
        ),
    )
    description = models.TextField(gettext_lazy("说明"), blank=True)
    is_active = models.BooleanField(gettext_lazy("启用"), default=True)

    class Meta:
        verbose_name = gettext_lazy("数据项")
        verbose_name_plural = gettext_lazy("数据项")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_of_measure}）" if self.unit_of_measure else self.name

    @property
    def is_numeric(self) -> bool:
        return self.value_type in NUMERIC_TYPES

    def option_list(self) -> list[tuple[str, str]]:
        """(code, name) of each disaggregation option; [("", "")] for an element without one."""
        if self.category is None:
            return [("", "")]
        return [(o.code, o.name) for o in self.category.options.all()]

    def option_codes(self) -> set[str]:
        """The disaggregation option codes; empty for an element without one."""
        return {code for code, _ in self.option_list() if code}


class DataSet(models.Model):
    """Elements collected together from the same units for the same periods."""

    code = models.CharField(
        gettext_lazy("编码"), max_length=40, unique=True, validators=[CODE_VALIDATOR]
    )
    name = models.CharField(gettext_lazy("名称"), max_length=100)
    period_type = models.CharField(
        gettext_lazy("周期类型"), max_length=12, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    elements = models.ManyToManyField(
        DataElement,
        verbose_name=gettext_lazy("数据项"),
        through="DataSetElement",
        related_name="data_sets",
    )
    units = models.ManyToManyField(
        Unit, verbose_name=gettext_lazy("填报单位"), blank=True, related_name="data_sets"
    )
    unit_groups = models.ManyToManyField(
        UnitGroup, verbose_name=gettext_lazy("填报单位组"), blank=True, related_name="data_sets"
    )
    first_period = models.CharField(
        gettext_lazy("起始周期"),
        max_length=20,
        help_text=gettext_lazy("从该周期起需要填报，如 2021、2021-2022、2021Q1"),
    )
    opens_before_end_days = models.PositiveSmallIntegerField(
        gettext_lazy("周期结束前开放天数"),
        default=31,
        help_text=gettext_lazy("周期结束前多少天开始可以填报。"),
    )
    due_days = models.PositiveSmallIntegerField(
        gettext_lazy("报送期限（天）"),
        default=31,
        help_text=gettext_lazy("周期结束后多少天内完成报送算按时。"),
    )
    expiry_days = models.PositiveSmallIntegerField(
        gettext_lazy("关闭期限（天）"),
        null=True,
        blank=True,
        default=120,
        help_text=gettext_lazy("周期结束后多少天关闭填报（单位可申请延期）；留空表示不关闭。"),
    )
    description = models.TextField(gettext_lazy("说明"), blank=True)
    is_active = models.BooleanField(gettext_lazy("启用"), default=True)

    class Meta:
        verbose_name = gettext_lazy("数据集")
        verbose_name_plural = gettext_lazy("数据集")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DataSetElement(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    element = models.ForeignKey(
        DataElement,
        verbose_name=gettext_lazy("数据项"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("顺序"), default=0)
    required = models.BooleanField(gettext_lazy("必填"), default=True)

    class Meta:
        verbose_name = gettext_lazy("数据集中的数据项")
        verbose_name_plural = gettext_lazy("数据集中的数据项")
        ordering = ["data_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "element"], name="dataset_element_unique")
        ]

    def __str__(self) -> str:
        return str(self.element)


class DataSetExtension(models.Model):
    """The office lets one unit enter a closed period's data until a date."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(
        Unit,
        verbose_name=gettext_lazy("单位"),
        on_delete=models.CASCADE,
        related_name="data_extensions",
    )
    period_code = models.CharField(gettext_lazy("周期"), max_length=20)
    until = models.DateField(gettext_lazy("延期至"))
    reason = models.CharField(gettext_lazy("理由"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("批准人"), on_delete=models.PROTECT
    )
    granted_at = models.DateTimeField(gettext_lazy("批准时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("填报延期")
        verbose_name_plural = gettext_lazy("填报延期")
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "unit", "period_code"], name="dataset_extension_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_set} · {self.unit} · {self.period_code}"


class SubmissionStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("填报中")
    RETURNED = "returned", gettext_lazy("已退回")
    AWAITING_BUREAU = "awaiting_bureau", gettext_lazy("待主管部门审核")
    AWAITING_OFFICE = "awaiting_office", gettext_lazy("待工作专班审定")
    APPROVED = "approved", gettext_lazy("已审定")


# Values of submissions in these states count in indicators (reported, possibly not yet approved).
COUNTED_STATUSES = (
    SubmissionStatus.AWAITING_BUREAU,
    SubmissionStatus.AWAITING_OFFICE,
    SubmissionStatus.APPROVED,
)
EDITABLE_STATUSES = (SubmissionStatus.OPEN, SubmissionStatus.RETURNED)


class ValueSource(models.TextChoices):
    WEB = "web", gettext_lazy("网页填报")
    EXCEL = "excel", gettext_lazy("Excel 导入")
    API = "api", gettext_lazy("接口")


class SubmissionQuerySet(ScopedQuerySet["Submission"]):
    def scope_q(self, user: User) -> models.Q:
        # A unit sees its own; a supervising bureau also sees the units it supervises.
        return models.Q(unit_id=user.unit_id) | models.Q(unit__parent_id=user.unit_id)


class Submission(models.Model):
    """One unit's data for one data set and period, and where it stands in approval."""

    data_set = models.ForeignKey(
        DataSet,
        verbose_name=gettext_lazy("数据集"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=gettext_lazy("单位"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    period_code = models.CharField(gettext_lazy("周期"), max_length=20)
    period_start = models.DateField(gettext_lazy("周期开始"))
    period_end = models.DateField(gettext_lazy("周期结束"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.OPEN,
    )
    source = models.CharField(
        gettext_lazy("最近数据来源"),
        max_length=10,
        choices=ValueSource.choices,
        default=ValueSource.WEB,
    )
    first_completed_at = models.DateTimeField(gettext_lazy("首次报送时间"), null=True, blank=True)
    completed_at = models.DateTimeField(gettext_lazy("报送时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(gettext_lazy("审定时间"), null=True, blank=True)
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), default=timezone.now)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("数据报送")
        verbose_name_plural = gettext_lazy("数据报送")
        ordering = ["data_set", "-period_start", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "unit", "period_code"], name="submission_unique"
            )
        ]
        indexes = [models.Index(fields=["period_start", "status"])]

    def __str__(self) -> str:
        return f"{self.data_set} · {self.unit} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.data_set.period_type, self.period_code)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class SubmissionAction(models.TextChoices):
    SAVE = "save", gettext_lazy("保存")
    IMPORT = "import", gettext_lazy("导入")
    COMPLETE = "complete", gettext_lazy("报送")
    APPROVE = "approve", gettext_lazy("审核通过")
    RETURN = "return", gettext_lazy("退回")
    UNAPPROVE = "unapprove", gettext_lazy("撤销审定")


class SubmissionEvent(models.Model):
    """The history of a submission: every save, import, step of approval, with comments."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(gettext_lazy("操作"), max_length=12, choices=SubmissionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(
        gettext_lazy("原状态"), max_length=20, choices=SubmissionStatus.choices
    )
    to_status = models.CharField(
        gettext_lazy("新状态"), max_length=20, choices=SubmissionStatus.choices
    )
    comment = models.TextField(gettext_lazy("意见"), blank=True)
    at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("报送记录")
        verbose_name_plural = gettext_lazy("报送记录")
        ordering = ["submission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.submission}"


class DataValueQuerySet(ScopedQuerySet["DataValue"]):
    def scope_q(self, user: User) -> models.Q:
        return models.Q(submission__unit_id=user.unit_id) | models.Q(
            submission__unit__parent_id=user.unit_id
        )


class DataValue(models.Model):
    """One figure: an element (and disaggregation option) in one submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    option_code = models.CharField(gettext_lazy("分类选项"), max_length=40, blank=True, default="")
    number = models.DecimalField(
        gettext_lazy("数值"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    text = models.TextField(gettext_lazy("文本"), blank=True)
    file = models.FileField(gettext_lazy("文件"), upload_to="indicators/", blank=True)
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), default=timezone.now)

    objects = DataValueQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("数据值")
        verbose_name_plural = gettext_lazy("数据值")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "element", "option_code"], name="data_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element.code}{'.' + self.option_code if self.option_code else ''}"


class Severity(models.TextChoices):
    ERROR = "error", gettext_lazy("错误")
    WARNING = "warning", gettext_lazy("提醒")


class Operator(models.TextChoices):
    EQ = "==", gettext_lazy("等于")
    NE = "!=", gettext_lazy("不等于")
    GT = ">", gettext_lazy("大于")
    GE = ">=", gettext_lazy("大于等于")
    LT = "<", gettext_lazy("小于")
    LE = "<=", gettext_lazy("小于等于")


class ValidationRule(models.Model):
    """left operator right, checked on each submission; an error blocks reporting."""

    data_set = models.ForeignKey(
        DataSet, verbose_name=gettext_lazy("数据集"), on_delete=models.CASCADE, related_name="rules"
    )
    name = models.CharField(gettext_lazy("名称"), max_length=100)
    left = models.CharField(gettext_lazy("左侧表达式"), max_length=500)
    operator = models.CharField(gettext_lazy("比较"), max_length=2, choices=Operator.choices)
    right = models.CharField(gettext_lazy("右侧表达式"), max_length=500)
    severity = models.CharField(
        gettext_lazy("严重程度"), max_length=10, choices=Severity.choices, default=Severity.ERROR
    )
    message = models.CharField(gettext_lazy("提示"), max_length=300)

    class Meta:
        verbose_name = gettext_lazy("校验规则")
        verbose_name_plural = gettext_lazy("校验规则")
        ordering = ["data_set", "pk"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A figure computed from elements: factor × numerator ÷ denominator, per unit and year."""

    code = models.CharField(
        gettext_lazy("编码"), max_length=40, unique=True, validators=[CODE_VALIDATOR]
    )
    name = models.CharField(gettext_lazy("名称"), max_length=100)
    numerator = models.CharField(gettext_lazy("分子"), max_length=500)
    denominator = models.CharField(gettext_lazy("分母"), max_length=500, default="1")
    factor = models.DecimalField(gettext_lazy("系数"), max_digits=12, decimal_places=4, default=1)
    unit_of_measure = models.CharField(gettext_lazy("计量单位"), max_length=20, blank=True)
    decimals = models.PositiveSmallIntegerField(gettext_lazy("小数位数"), default=0)
    description = models.TextField(gettext_lazy("说明"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("指标")
        verbose_name_plural = gettext_lazy("指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Comparator(models.TextChoices):
    GE = ">=", gettext_lazy("不低于")
    LE = "<=", gettext_lazy("不高于")
    EQ = "==", gettext_lazy("等于")
    INCREASE = "increase", gettext_lazy("逐年增长")


class TargetScope(models.TextChoices):
    CITY = "city", gettext_lazy("全市")
    EACH_SCHOOL = "each_school", gettext_lazy("每所职业院校")


class Target(models.Model):
    """A quantitative target of the plan, bound to an indicator."""

    key = models.SlugField(gettext_lazy("标识"), max_length=60, unique=True)
    name = models.CharField(gettext_lazy("目标"), max_length=200)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=gettext_lazy("指标"),
        on_delete=models.PROTECT,
        related_name="targets",
    )
    comparator = models.CharField(gettext_lazy("比较"), max_length=10, choices=Comparator.choices)
    value = models.DecimalField(gettext_lazy("目标值"), max_digits=20, decimal_places=4)
    deadline = models.DateField(gettext_lazy("期限"))
    recurring = models.BooleanField(gettext_lazy("每年考核"), default=False)
    scope = models.CharField(
        gettext_lazy("范围"), max_length=12, choices=TargetScope.choices, default=TargetScope.CITY
    )
    first_year = models.PositiveSmallIntegerField(gettext_lazy("起始年度"), default=2021)
    source_text = models.CharField(gettext_lazy("方案出处"), max_length=200, blank=True)
    tasks = models.ManyToManyField(
        "plan.Task", verbose_name=gettext_lazy("相关任务"), blank=True, related_name="targets"
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("顺序"), default=0)

    class Meta:
        verbose_name = gettext_lazy("目标")
        verbose_name_plural = gettext_lazy("目标")
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name

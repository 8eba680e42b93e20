from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

SCHEME_CHOICES = [("odd_even", "单双号（从中间向两侧：单号在右、双号在左）"), ("ltr", "从左到右顺序编号")]


class HallParamsForm(FlaskForm):
    name = StringField("会场名称", validators=[DataRequired(message="请填写会场名称"), Length(max=80)])
    rostrum_rows = IntegerField("主席台排数", default=3, validators=[NumberRange(0, 10)])
    rostrum_seats = IntegerField("主席台每排座位数", default=21, validators=[NumberRange(1, 100)])
    sections = StringField("台下分区（用逗号分隔）", default="左区,中区,右区", validators=[DataRequired(), Length(max=200)])
    floor_rows = IntegerField("台下排数", default=20, validators=[NumberRange(1, 200)])
    floor_seats = IntegerField("每区每排座位数", default=12, validators=[NumberRange(1, 200)])
    numbering = SelectField("编号方式", choices=SCHEME_CHOICES, default="odd_even")
    attendee_rows = IntegerField("列席区排数（0 = 无）", default=2, validators=[NumberRange(0, 50)])
    attendee_seats = IntegerField("列席区每排座位数", default=20, validators=[NumberRange(1, 200)])


class HallImportForm(FlaskForm):
    file = FileField("会场 JSON 文件")
    text = TextAreaField("或粘贴 JSON", validators=[Optional()])


class RowRenameForm(FlaskForm):
    zone = SelectField("区域", choices=[])
    row = IntegerField("排号", validators=[NumberRange(1, 500)])
    label = StringField("新名称", validators=[DataRequired(), Length(max=20)])


class ChooseHallForm(FlaskForm):
    hall_id = SelectField("会场", coerce=int, choices=[])


class AutoSeatForm(FlaskForm):
    rostrum_roles = SelectMultipleField("上主席台的职务", choices=[(r, r) for r in ("主席", "副主席", "秘书长", "常委")],
                                        default=["主席", "副主席", "秘书长", "常委"])
    leave = SelectField("请假人员的座位", choices=[("empty", "保留空位"), ("close", "不留空位（后面的人依次补上）")],
                        default="empty")
    allow_partial = BooleanField("座位不足时仍保存已安排部分")


class CopyPlanForm(FlaskForm):
    source_id = SelectField("从会次复制", coerce=int, choices=[])

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from . import roster
from .models import CommitteeRole, Gender, MemberKind


def _birth_month(form, field):
    if not field.data:
        field.parsed = None
        return
    try:
        field.parsed = roster.parse_birth_month(field.data)
    except ValueError:
        raise ValidationError("出生年月无法识别，请写成 1968.05、1968-05 或 1968年5月") from None


class MemberForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=40)])
    gender = SelectField("性别", choices=[("", "—")] + [(g.value, g.value) for g in Gender], validators=[Optional()])
    ethnicity = StringField("民族", validators=[Length(max=20)], description="如：汉族")
    birth_month = StringField("出生年月", validators=[Length(max=20), _birth_month], description="如：1968.05")
    sector_id = SelectField("界别", coerce=int, choices=[], validate_choice=False)
    party = StringField("党派", validators=[Length(max=40)], description="如：中共党员、民盟盟员、无党派")
    employer = StringField("工作单位及职务", validators=[Length(max=200)])
    member_no = StringField("委员证号", validators=[DataRequired("请输入委员证号"), Length(max=32),
                                                Regexp(r"^[0-9A-Za-z\-_/]+$", message="委员证号只能包含字母、数字和 - _ /")])
    phone = StringField("手机", validators=[Optional(), Regexp(r"^\s*(\+86)?\s*1[3-9]\d{9}\s*$",
                                                             message="手机号不正确，应为 11 位手机号码（1 开头）")])
    committee_role = SelectField("职务", choices=[(r.value, r.value) for r in CommitteeRole])
    kind = SelectField("类别", choices=[(k.value, k.value + ("（不参加表决）" if k == MemberKind.ATTENDEE else ""))
                                      for k in MemberKind])
    group_id = SelectField("讨论组", coerce=int, choices=[], validate_choice=False)
    active = BooleanField("有效（停用后不能登录、不计入应到）", default=True)
    submit = SubmitField("保存")

    def data_for_service(self) -> dict:
        return {
            "name": self.name.data, "gender": self.gender.data, "ethnicity": self.ethnicity.data,
            "birth_month": getattr(self.birth_month, "parsed", None), "sector_id": self.sector_id.data or None,
            "party": self.party.data, "employer": self.employer.data, "member_no": self.member_no.data,
            "phone": self.phone.data, "committee_role": self.committee_role.data, "kind": self.kind.data,
            "group_id": self.group_id.data or None, "active": self.active.data,
        }


class NameForm(FlaskForm):
    name = StringField("名称", validators=[DataRequired("请输入名称"), Length(max=40)])
    submit = SubmitField("添加")


class ImportForm(FlaskForm):
    file = FileField("名册文件（.xlsx 或 .csv）", validators=[FileRequired("请选择名册文件")])
    submit = SubmitField("上传并检查")


class ConfirmImportForm(FlaskForm):
    digest = HiddenField()
    submit = SubmitField("确认导入")


class NamesSortForm(FlaskForm):
    names = TextAreaField("姓名", validators=[DataRequired("请粘贴姓名"), Length(max=200_000)],
                          description="每行一个，或用 、 ， , 空格 分隔")
    convention = RadioField("排序规则", choices=[("cppcc", "政协惯例（单名空位在前：田富 在 田大利 之前）"),
                                            ("npc", "人大惯例（逐字比较：田大利 在 田富 之前）")], default="cppcc")
    submit = SubmitField("按姓氏笔画排序")


class ArrivalForm(FlaskForm):
    member_id = HiddenField(validators=[DataRequired()])
    lodging = StringField("住宿", validators=[Length(max=200)])
    dining = StringField("用餐", validators=[Length(max=200)])
    transport = StringField("乘车", validators=[Length(max=200)])
    submit = SubmitField("报到")


class LeaveForm(FlaskForm):
    sitting_id = SelectField("会次", coerce=int, choices=[], validate_choice=False,
                             validators=[DataRequired("请选择会次")])
    reason = TextAreaField("请假事由", validators=[DataRequired("请填写请假事由"), Length(max=500)])
    submit = SubmitField("提交请假")


class StaffLeaveForm(FlaskForm):
    member_no = StringField("委员证号", validators=[DataRequired("请输入委员证号"), Length(max=32)])
    sitting_id = SelectField("会次", coerce=int, choices=[], validate_choice=False,
                             validators=[DataRequired("请选择会次")])
    reason = TextAreaField("请假事由", validators=[DataRequired("请填写请假事由"), Length(max=500)])
    approve = BooleanField("同时批准")
    submit = SubmitField("代为请假")


class DecisionForm(FlaskForm):
    note = StringField("审批意见", validators=[Length(max=200)])

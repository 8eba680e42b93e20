from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from . import rules


def _rule(check):
    def validator(form, field):
        try:
            check(field.data)
        except rules.RuleError as exc:
            raise ValidationError(exc.message) from None
    return validator


class SuggestionForm(FlaskForm):
    text = TextAreaField("您的意见建议", validators=[_rule(rules.validate_text)],
                         render_kw={"maxlength": rules.TEXT_MAX, "rows": 6,
                                    "placeholder": f"请围绕议题写下您的意见建议（{rules.TEXT_MIN}–{rules.TEXT_MAX} 字）"})
    name = StringField("姓名或昵称（选填）", validators=[Optional(), Length(max=rules.NAME_MAX, message="姓名最多 40 字")],
                       render_kw={"maxlength": rules.NAME_MAX, "autocomplete": "name"})
    phone = StringField("手机号（选填，仅供工作人员联系，不公开）", validators=[_rule(rules.normalize_phone)],
                        render_kw={"inputmode": "tel", "maxlength": 20, "autocomplete": "tel"})
    sector = StringField("界别（选填）", validators=[Optional(), Length(max=40, message="最多 40 字")],
                         render_kw={"maxlength": 40})
    occupation = StringField("职业（选填）", validators=[Optional(), Length(max=40, message="最多 40 字")],
                             render_kw={"maxlength": 40})
    district = StringField("所在区县（选填）", validators=[Optional(), Length(max=40, message="最多 40 字")],
                           render_kw={"maxlength": 40})
    # a honeypot: hidden from people, filled in by form-spamming robots
    website = StringField("网址（请勿填写）", render_kw={"tabindex": "-1", "autocomplete": "off"})
    consent = BooleanField("我已阅读并同意隐私说明", validators=[DataRequired("请阅读并勾选同意隐私说明")])
    submit = SubmitField("提交意见建议")


class TopicForm(FlaskForm):
    title = StringField("议题", validators=[DataRequired("请输入议题标题"), Length(max=120)])
    slug = StringField("短链接（选填）", validators=[Optional(), Length(max=40),
                                                 Regexp(r"^[a-zA-Z][a-zA-Z0-9-]*$",
                                                        message="短链接只能用字母、数字和连字符，以字母开头")],
                       description="公开地址 /s/短链接；不填则用编号")
    background = TextAreaField("背景介绍", validators=[Length(max=5000)], render_kw={"rows": 5})
    questions = TextAreaField("征集的问题（每行一个）", validators=[Length(max=3000)], render_kw={"rows": 4})
    opens_at = DateTimeLocalField("开始时间（北京时间）", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField("截止时间（北京时间）", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    office_id = SelectField("主办（专委会办公室或商量工作室）", coerce=int, choices=[], validate_choice=False)
    meeting_id = SelectField("关联会议（选填）", coerce=int, choices=[], validate_choice=False)
    submit = SubmitField("保存")


class OfficeForm(FlaskForm):
    name = StringField("名称", validators=[DataRequired("请输入名称"), Length(max=80)])
    kind = SelectField("类型", choices=[("办公室", "专委会办公室"), ("商量工作室", "商量工作室")])
    submit = SubmitField("添加")

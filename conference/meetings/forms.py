from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import Body, SittingKind


class MeetingForm(FlaskForm):
    title = StringField("会议名称", validators=[DataRequired("请输入会议名称"), Length(max=120)],
                        description="如：政协第十五届济南市委员会第五次会议")
    venue = StringField("地点", validators=[Length(max=120)])
    starts_on = DateField("开始日期", validators=[DataRequired("请选择开始日期")])
    ends_on = DateField("结束日期", validators=[DataRequired("请选择结束日期")])
    notes = TextAreaField("会议须知", validators=[Length(max=5000)])
    submit = SubmitField("保存")


class SittingForm(FlaskForm):
    title = StringField("会次名称", validators=[DataRequired("请输入会次名称"), Length(max=120)],
                        description="如：第一次全体会议")
    kind = SelectField("类型", choices=[(k.value, k.value) for k in SittingKind])
    starts_at = DateTimeLocalField("开始时间（北京时间）", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired("请输入开始时间")])
    ends_at = DateTimeLocalField("结束时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField("会场", validators=[Length(max=120)])
    body = SelectField("应到范围", choices=[(b.value, b.label) for b in Body])
    group_id = SelectField("讨论组", coerce=int, choices=[], validate_choice=False)
    submit = SubmitField("保存")

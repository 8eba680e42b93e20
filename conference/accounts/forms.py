from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from .roles import ROLE_LABELS, STAFF_ROLES


class StaffLoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])
    submit = SubmitField("登录")


class MemberLoginForm(FlaskForm):
    member_no = StringField("委员证号", validators=[DataRequired("请输入委员证号"), Length(max=32)])
    pin = PasswordField("登录码（6 位数字，印在参会证上）",
                        validators=[DataRequired("请输入登录码"), Regexp(r"^\s*\d{6}\s*$", message="登录码为 6 位数字")])
    submit = SubmitField("委员登录")


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(2, 64),
                                              Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能含字母、数字、_ . -")])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=64)])
    role = SelectField("角色", choices=[(r.value, ROLE_LABELS[r]) for r in sorted(STAFF_ROLES)])
    password = PasswordField("初始密码", validators=[DataRequired("请输入密码"), Length(8, 128, "密码 8–128 位")])
    submit = SubmitField("创建账号")
